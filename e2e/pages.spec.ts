import { capture, expect, test } from "./fixtures/test";

const count = async (sql: import("pg").Pool, query: string) => Number((await sql.query(query)).rows[0].n);

test.describe("every screen shows the database's rows", () => {
  test("overview counts the customers in the database", async ({ page, sql }) => {
    const customers = await count(sql, `SELECT count(*) AS n FROM "Customer"`);
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/overview/i);
    await expect(page.getByTestId("kpi-customers")).toContainText(customers.toLocaleString("en-GB"));
    await capture(page, "overview");
  });

  test("customers lists the first page and the total", async ({ page, sql }) => {
    const total = await count(sql, `SELECT count(*) AS n FROM "Customer"`);
    const first = (await sql.query(`SELECT id FROM "Customer" ORDER BY id LIMIT 1`)).rows[0].id as string;
    await page.goto("/customers");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/customers/i);
    await expect(page.getByTestId("customer-row")).toHaveCount(Math.min(50, total));
    await expect(page.getByTestId("customers-table")).toContainText(first);
    await expect(page.getByText(total.toLocaleString("en-GB"), { exact: false }).first()).toBeVisible();
    await capture(page, "customers");
  });

  test("customers search finds one customer by id", async ({ page, sql }) => {
    const id = (await sql.query(`SELECT id FROM "Customer" ORDER BY id OFFSET 17 LIMIT 1`)).rows[0].id as string;
    await page.goto(`/customers?q=${encodeURIComponent(id)}`);
    await expect(page.getByTestId("customer-row")).toHaveCount(1);
    await expect(page.getByTestId("customer-row")).toContainText(id);
  });

  test("customer detail shows the profile and the journey in time order", async ({ page, sql }) => {
    const row = (
      await sql.query(
        `SELECT c.id, c.name, count(e.id)::int AS events FROM "Customer" c JOIN "JourneyEvent" e ON e."customerId" = c.id
          GROUP BY c.id ORDER BY count(e.id) DESC LIMIT 1`,
      )
    ).rows[0];
    await page.goto(`/customers/${row.id}`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(row.name);
    await expect(page.getByTestId("customer-profile")).toContainText(row.id);
    await expect(page.getByTestId("journey-event")).toHaveCount(Math.min(200, row.events));
    await capture(page, "customer-detail");
  });

  test("a customer without a permission record is shown as not contactable", async ({ page, sql }) => {
    const row = (
      await sql.query(`SELECT c.id FROM "Customer" c WHERE NOT EXISTS (SELECT 1 FROM "ContactPermission" p WHERE p."customerId" = c.id) LIMIT 1`)
    ).rows[0];
    // The seed leaves about 3% of customers without any consent record.
    expect(row, "the seeded data has a customer without permissions").toBeTruthy();
    await page.goto(`/customers/${row.id}`);
    await expect(page.getByText(/no permission record/i)).toBeVisible();
  });

  test("an unknown customer is a not-found page", async ({ page }) => {
    const res = await page.goto("/customers/NO-SUCH-CUSTOMER");
    expect(res?.status()).toBe(404);
  });

  test("treatments shows the whole catalog", async ({ page, sql }) => {
    // Other specs add treatments of their own while this one runs: every treatment read before the
    // page is listed, and no more rows than the database holds once the page has loaded.
    const keys = (await sql.query<{ key: string }>(`SELECT key FROM "Treatment" ORDER BY key`)).rows.map((r) => r.key);
    await page.goto("/treatments");
    const table = page.getByTestId("treatments-table");
    for (const key of keys) await expect(page.locator(`[data-testid="treatment-row"][data-treatment="${key}"]`)).toHaveCount(1);
    const shown = await page.getByTestId("treatment-row").count();
    const after = await count(sql, `SELECT count(*) AS n FROM "Treatment"`);
    expect(shown).toBeGreaterThanOrEqual(keys.length);
    expect(shown).toBeLessThanOrEqual(after);
    await expect(table).toContainText("marketing_call_back");
    await capture(page, "treatments");
  });

  test("constraints shows every resource with its limit", async ({ page, sql }) => {
    const resources = (await sql.query(`SELECT key, name, "limit" FROM "ResourceConstraint" ORDER BY key`)).rows;
    await page.goto("/constraints");
    // Other specs add resources of their own while this one runs: check the ones read before the page.
    for (const r of resources) {
      const gauge = page.locator(`[data-testid="resource-gauge"][data-resource-key="${r.key}"]`);
      // Named as people know it; the key stays on the name's title.
      await expect(gauge.getByRole("heading", { name: r.name })).toHaveAttribute("title", r.key);
      await expect(gauge.getByTestId("gauge-limit")).toHaveText(Number(r.limit).toLocaleString("en-GB"));
    }
    await capture(page, "constraints");
  });

  test("review lists the pending recommendations of the database", async ({ page, sql }) => {
    // Runs started by other tests add pending decisions meanwhile: compare a page and a count taken together.
    await expect(async () => {
      const pending = await count(sql, `SELECT count(*) AS n FROM "Recommendation" WHERE status = 'pending_review'`);
      expect(pending).toBeGreaterThan(0);
      await page.goto("/review");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(/review/i);
      await expect(page.getByTestId("review-table").locator("tbody tr")).toHaveCount(Math.min(50, pending), { timeout: 2000 });
      await expect(page.getByText(pending.toLocaleString("en-GB"), { exact: false }).first()).toBeVisible({ timeout: 2000 });
    }).toPass({ timeout: 30_000 });
    await capture(page, "review");
  });

  test("allocations shows the history written by the run", async ({ page, sql }) => {
    const attempts = await count(sql, `SELECT count(*) AS n FROM "Allocation"`);
    expect(attempts).toBeGreaterThan(0);
    const resource = (await sql.query(`SELECT r.name FROM "Allocation" a JOIN "ResourceConstraint" r ON r.key = a."resourceKey" ORDER BY a.id DESC LIMIT 1`)).rows[0].name as string;
    await page.goto("/allocations");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/allocation/i);
    await expect(page.getByTestId("allocations-table").locator("tbody tr")).toHaveCount(Math.min(50, attempts));
    await expect(page.getByTestId("allocations-table")).toContainText(resource);
    await capture(page, "allocations");
  });

  test("runs shows the completed run with its counts", async ({ page, sql }) => {
    const run = (await sql.query(`SELECT id, processed FROM "Run" WHERE status = 'completed' ORDER BY "createdAt" LIMIT 1`)).rows[0];
    await page.goto("/runs");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/runs/i);
    // Other tests start runs at the same time: find the setup run by its id.
    const row = page.getByTestId("runs-table").locator(`[data-run-id="${run.id}"]`);
    await expect(row).toContainText(/completed/i);
    await expect(row).toContainText(String(run.processed));
    await capture(page, "runs");
  });
});
