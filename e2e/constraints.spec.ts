import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import type pg from "pg";
import { capture, expect, test } from "./fixtures/test";

const MANAGER = "Gareth Lloyd (manager)";

/** A resource of this spec's own, so parallel specs never see or change it. */
async function createResource(sql: pg.Pool, c: { limit: number; used: number; held: number; reservedHighValue?: number }) {
  const suffix = randomBytes(4).toString("hex");
  const key = `e2e_constraints_${suffix}`;
  const name = `Test capacity ${suffix}`;
  await sql.query(
    `INSERT INTO "ResourceConstraint" (key, name, "limit", used, held, "reservedHighValue", period, "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, 'day', now())`,
    [key, name, c.limit, c.used, c.held, c.reservedHighValue ?? 0],
  );
  return { key, name };
}

const gauge = (page: Page, key: string) => page.locator(`[data-testid="resource-gauge"][data-resource-key="${key}"]`);

test.describe("constraints", () => {
  test("a manager is refused a limit below what is confirmed, sets a valid one, and the change log shows it", async ({ page, sql }) => {
    const { key, name } = await createResource(sql, { limit: 50, used: 37, held: 7 });
    await page.goto("/constraints");
    const card = gauge(page, key);
    await expect(card.getByRole("meter", { name: `${name}: 30 confirmed, 7 held of 50` })).toBeVisible();
    await card.scrollIntoViewIfNeeded();
    await capture(page, "constraints-gauges");

    await card.getByRole("button", { name: `Edit limits of ${name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Edit limits of ${name}` });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel(/^Limit/).fill("29");
    await dialog.getByRole("button", { name: "Show holds to release" }).click();
    await expect(dialog.getByRole("alert")).toHaveText(`${name}: the limit cannot go below 30, the units already confirmed; releasing every hold frees only 7.`);
    await expect(dialog.getByLabel(/^Limit/)).toHaveAttribute("aria-invalid", "true");
    await capture(page, "constraints-edit-refused");
    expect((await sql.query(`SELECT "limit" FROM "ResourceConstraint" WHERE key = $1`, [key])).rows[0].limit).toBe(50);

    await dialog.getByLabel(/^Limit/).fill("45");
    await dialog.getByLabel("High-value reserve").fill("5");
    await dialog.getByLabel(/^Reason/).fill("Fewer agents on shift");
    await dialog.getByRole("button", { name: "Save limits" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("constraints-notice")).toContainText(`${name}: limit 50 → 45`);
    await expect(card.getByTestId("gauge-limit")).toHaveText("45");
    await expect(card.getByTestId("gauge-reserved")).toHaveText("5");

    // The log names the resource; its key is on the name's title.
    const entry = page.getByTestId("constraint-change-row").filter({ has: page.locator(`[data-testid="change-resource"][title="${key}"]`) });
    await expect(entry).toHaveCount(1);
    await expect(entry.getByTestId("change-resource")).toHaveText(name);
    await expect(entry.locator("td").nth(2)).toContainText("Limit:50");
    await expect(entry.locator("td").nth(3)).toContainText("Limit:45");
    await expect(entry.locator("td").nth(3)).toContainText("High-value reserve:5");
    await expect(entry).toContainText(MANAGER);
    await expect(entry).toContainText("Fewer agents on shift");
    await capture(page, "constraints-change-log");

    // The same values again: nothing new is written.
    await card.getByRole("button", { name: `Edit limits of ${name}` }).click();
    await dialog.getByRole("button", { name: "Save limits" }).click();
    await expect(page.getByTestId("constraints-notice")).toHaveText(`No change: ${name} already has these values.`);
    const audit = await sql.query(`SELECT "actorLabel", before, after FROM "AuditLog" WHERE "entityId" = $1`, [key]);
    expect(audit.rows).toEqual([{ actorLabel: MANAGER, before: { limit: 50, reservedHighValue: 0 }, after: { limit: 45, reservedHighValue: 5 } }]);
  });

  test("a gauge shows a change made in the database within 2 seconds, without a reload and without moving", async ({ page, sql }) => {
    const { key, name } = await createResource(sql, { limit: 20, used: 4, held: 1 });
    await page.goto("/constraints");
    const card = gauge(page, key);
    await expect(card.getByTestId("gauge-held")).toHaveText("1");
    await card.scrollIntoViewIfNeeded();
    const boxBefore = await card.boundingBox();
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    await sql.query(`UPDATE "ResourceConstraint" SET used = 12, held = 9 WHERE key = $1`, [key]);
    await expect(card.getByTestId("gauge-held")).toHaveText("9", { timeout: 2_000 });
    await expect(card.getByTestId("gauge-confirmed")).toHaveText("3");
    await expect(card.getByTestId("gauge-free")).toHaveText("8");
    await expect(card.getByRole("meter", { name: `${name}: 3 confirmed, 9 held of 20` })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await card.boundingBox()).toEqual(boxBefore);
  });

  test("resetting a period asks first, frees confirmed units and keeps holds", async ({ page, sql }) => {
    const { key, name } = await createResource(sql, { limit: 30, used: 10, held: 4 });
    await page.goto("/constraints");
    const card = gauge(page, key);
    await card.getByRole("button", { name: `Reset the period of ${name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Start a new period of ${name}?` });
    await expect(dialog).toContainText("6 confirmed");
    await capture(page, "constraints-reset-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    expect((await sql.query(`SELECT used FROM "ResourceConstraint" WHERE key = $1`, [key])).rows[0].used).toBe(10);

    await card.getByRole("button", { name: `Reset the period of ${name}` }).click();
    await dialog.getByRole("button", { name: "Reset period" }).click();
    await expect(dialog).toBeHidden();
    await expect(card.getByTestId("gauge-confirmed")).toHaveText("0");
    await expect(card.getByTestId("gauge-held")).toHaveText("4");
    await expect(page.getByTestId("constraint-change-row").filter({ has: page.locator(`[data-testid="change-resource"][title="${key}"]`) })).toContainText("Period reset");
    const row = (await sql.query(`SELECT used, held FROM "ResourceConstraint" WHERE key = $1`, [key])).rows[0];
    expect(row).toEqual({ used: 4, held: 4 });
  });

  test("the constraints screen at tablet width", async ({ page, sql }) => {
    await createResource(sql, { limit: 40, used: 38, held: 6, reservedHighValue: 8 });
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto("/constraints");
    await expect(page.getByTestId("resource-gauge").first()).toBeVisible();
    await capture(page, "constraints-tablet");
  });
});

test.describe("allocation history", () => {
  test("filters by outcome and resource in the URL, with charts per day", async ({ page, sql }) => {
    const top = (
      await sql.query(
        `SELECT a."resourceKey" AS key, r.name, count(*)::int AS n FROM "Allocation" a JOIN "ResourceConstraint" r ON r.key = a."resourceKey"
          WHERE a.outcome = 'held' GROUP BY 1, 2 ORDER BY n DESC LIMIT 1`,
      )
    ).rows[0];
    expect(top, "the setup run held capacity").toBeTruthy();
    await page.goto("/allocations");
    await expect(page.getByTestId("outcomes-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
    await capture(page, "allocations-charts");

    await page.getByLabel("Resource", { exact: true }).selectOption(top.key);
    await page.getByLabel("Outcome", { exact: true }).selectOption("held");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(new RegExp(`resource=${top.key}.*outcome=held`));
    const rows = page.getByTestId("allocation-row");
    await expect(rows).toHaveCount(Math.min(50, top.n));
    for (const text of await rows.allInnerTexts()) {
      expect(text).toContain(top.name);
      expect(text).toContain("Held");
    }
    await expect(page.getByTestId("chart-resource")).toHaveValue(top.key);

    await page.goto("/allocations?from=2026-02-30&to=yesterday");
    await expect(page.getByTestId("filter-problems")).toContainText('The from date "2026-02-30" is not a calendar date');

    await page.goto("/allocations?from=2999-01-01");
    await expect(page.getByTestId("table-empty")).toHaveText("No allocation matches these filters.");
  });

  test("allocation history at tablet width", async ({ page }) => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto("/allocations");
    await expect(page.getByTestId("outcomes-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
    await capture(page, "allocations-tablet");
  });
});
