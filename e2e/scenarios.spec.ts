import { capture, expect, test } from "./fixtures/test";

const RESOURCE = "retention_call_slots";

test.describe("scenario planner", () => {
  test("a manager plans retention calls switched off, sees the value and reach fall without anything written, and previews the holds a lower limit releases", async ({ page, sql }) => {
    // Other specs run decisions at the same time, so the rows a plan never writes are checked in lib/pipeline/scenario.test.ts; here the limit must stay.
    const counters = async () => (await sql.query<{ limit: number; used: number; held: number }>(`SELECT "limit", used, held FROM "ResourceConstraint" WHERE key = $1`, [RESOURCE])).rows[0]!;
    const before = await counters();

    await page.goto("/scenarios");
    await expect(page.getByRole("heading", { name: "Scenarios", exact: true })).toBeVisible();
    await page.getByTestId(`scenario-limit-${RESOURCE}`).fill("0");
    await page.getByTestId(`scenario-reserve-${RESOURCE}`).fill("0");
    await page.getByTestId("plan-scenario").click();
    await expect(page.getByTestId("scenario-progress")).toBeVisible();
    const results = page.getByTestId("scenario-results");
    await expect(results).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("value-delta-0")).toContainText("−£");
    await expect(page.getByTestId("scenario-differences")).toContainText("Retention call");
    await expect(page.getByTestId("reach-chart")).toBeVisible();
    await expect(page.getByTestId("capacity-chart")).toBeVisible();
    await expect(page.getByTestId("scenario-scope")).toContainText("Nothing was written and no capacity was held.");
    await capture(page, "scenarios-planned");
    expect((await counters()).limit).toBe(before.limit);

    await page.goto("/constraints");
    const card = page.locator(`[data-testid="resource-gauge"][data-resource-key="${RESOURCE}"]`);
    await card.getByRole("button", { name: /^Edit limits of/ }).click();
    const dialog = page.getByRole("dialog", { name: /^Edit limits of/ });
    const now = await counters();
    expect(now.held).toBeGreaterThan(0);
    await dialog.getByLabel(/^Limit/).fill(String(now.used - 1));
    await dialog.getByRole("button", { name: "Preview effect" }).click();
    await expect(dialog.getByTestId("limit-effect-result")).toContainText("would change", { timeout: 30_000 });
    await dialog.getByRole("button", { name: "Show holds to release" }).click();
    await expect(dialog.getByTestId("hold-to-release")).toHaveCount(1);
    await expect(dialog.getByRole("button", { name: "Release 1 hold and save" })).toBeVisible();
    await capture(page, "constraints-shed-preview");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect((await counters()).limit).toBe(before.limit);
  });
});
