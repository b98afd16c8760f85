// What a browser can see of the server: security headers on every response, no secrets in the
// client bundles, and nothing for a request without a session.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { E2E_AUTH_SECRET } from "./fixtures/auth";
import { capture, expect, test } from "./fixtures/test";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test("every page answers with the security headers", async ({ page }) => {
  for (const url of ["/", "/sign-in", "/review"]) {
    const res = await page.request.get(url);
    const headers = res.headers();
    expect(headers["content-security-policy"], url).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"], url).toContain("default-src 'self'");
    expect(headers["x-frame-options"], url).toBe("DENY");
    expect(headers["x-content-type-options"], url).toBe("nosniff");
    expect(headers["referrer-policy"], url).toBe("strict-origin-when-cross-origin");
    expect(headers["x-powered-by"], url).toBeUndefined();
  }
});

test("the pages run under the content security policy without violations", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  for (const url of ["/", "/review", "/constraints", "/customers", "/audit"]) {
    await page.goto(url);
    await page.waitForLoadState("networkidle");
  }
  expect(violations).toEqual([]);
});

test("the client bundles hold no secret and no server setting", () => {
  const files = filesUnder(path.join(".next", "static")).filter((f) => f.endsWith(".js"));
  expect(files.length).toBeGreaterThan(10);
  const databaseUrl = process.env.E2E_DATABASE_URL!;
  // The values, and any trace of the server's settings module being bundled (its messages, reads of the variables).
  const forbidden = [
    E2E_AUTH_SECRET,
    databaseUrl,
    ...(new URL(databaseUrl).password ? [new URL(databaseUrl).password] : []),
    "postgresql://",
    "AUTH_SECRET must be at least 32 characters",
    "Invalid settings:",
    "process.env.DATABASE_URL",
    "process.env.OPENAI_API_KEY",
    "process.env.AUTH_SECRET",
  ];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const secret of forbidden) expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
  }
});

test("signed out, the API answers 401 and pages send to the sign-in page", async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  for (const url of ["/api/runs", "/api/constraints"]) {
    const res = await page.request.get(url);
    expect(res.status(), url).toBe(401);
  }
  await page.goto("/constraints");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fconstraints/);
  await expect(page.getByTestId("sidebar")).toHaveCount(0);
  await context.close();
});

test("a server action from another website is refused with 403 and words, not 500", async ({ page }) => {
  const res = await page.request.post("/users", {
    headers: { "next-action": "7f0000000000000000000000000000000000000000", origin: "https://elsewhere.example", "content-type": "text/plain;charset=UTF-8" },
    data: "[]",
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).message).toMatch(/sent from another website/);
});

test("the allocation history downloads as a dated CSV of what the filter keeps", async ({ page }) => {
  const res = await page.request.get("/api/export/allocations?outcome=denied");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-disposition"]).toMatch(/^attachment; filename="allocation-history-\d{4}-\d{2}-\d{2}\.csv"$/);
  const lines = (await res.text()).replace(/^\uFEFF/, "").trim().split("\n");
  expect(lines[0]).toBe("id,created_at_utc,resource_key,resource,treatment_key,treatment,customer_id,customer,outcome,units,priority,high_value,used_reserve,reason");
  for (const line of lines.slice(1)) expect(line).toContain(",denied,");
  await page.goto("/allocations");
  await expect(page.getByTestId("export-csv")).toHaveAttribute("href", "/api/export/allocations");
  await capture(page, "allocations");
});
