// A manager saves a rule segment, edits its rule and finds segments on the Segments screen, filters the customer
// list and the review queue by the saved segment, and previews a run over it; counts are checked against the database.
import { capture, expect, test } from "./fixtures/test";

const uniqueTag = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

test("a saved segment shows its size, filters the customer list to exactly its members and scopes a run preview", async ({ page, sql }) => {
  const name = `Usage falling ${uniqueTag()}`;
  await page.goto("/segments");
  const form = page.getByTestId("rule-segment-form");
  await form.getByLabel("Name").fill(name);
  await form.getByTestId("rule-pattern-declining_usage").check();
  await form.getByTestId("rule-segment-save").click();
  await expect(form.getByTestId("rule-segment-result")).toContainText("Saved. Declining usage:");

  const members = Number((await sql.query(`SELECT count(*)::int AS n FROM "CustomerInsight" WHERE patterns @> ARRAY['declining_usage']`)).rows[0].n);
  expect(members).toBeGreaterThan(0);
  const row = page.getByTestId("segment-row").filter({ hasText: name });
  await expect(row.getByTestId("segment-size")).toHaveText(members.toLocaleString("en-GB"));

  await page.getByTestId("find-segments-button").click();
  await expect(page.getByTestId("found-group").first()).toBeVisible();
  await expect(page.getByTestId("found-group").first()).toContainText(/customers, churn risk \d+%/);
  await capture(page, "segments");

  await row.getByRole("link", { name: "Customers" }).click();
  await expect(page.getByTestId("filter-saved-segment")).toHaveValue(/[0-9a-f-]{36}/);
  await expect(page.getByTestId("customers-total")).toHaveText(`${members.toLocaleString("en-GB")} customer${members === 1 ? "" : "s"} match${members === 1 ? "es" : ""}`);

  await page.goto("/runs");
  const runForm = page.getByTestId("start-run-form");
  await runForm.getByTestId("run-saved-segment").selectOption({ label: `${name} (${members.toLocaleString("en-GB")})` });
  await expect(runForm.getByTestId("run-preview-total")).toHaveText(`Covers ${members.toLocaleString("en-GB")} customer${members === 1 ? "" : "s"}.`);
  await expect(runForm.getByTestId("run-preview")).toContainText("Estimated from the deterministic policy");
  await capture(page, "run-preview");
});

test("a manager edits a saved rule's risk floor, and the review queue lists only the segment's pending recommendations", async ({ page, sql }) => {
  const name = `At risk ${uniqueTag()}`;
  await page.goto("/segments");
  const form = page.getByTestId("rule-segment-form");
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Churn risk from (%)").fill("40");
  await form.getByTestId("rule-segment-save").click();
  await expect(form.getByTestId("rule-segment-result")).toContainText("Saved. Churn risk 40–100%:");

  const row = page.getByTestId("segment-row").filter({ hasText: name });
  await row.getByTestId("segment-edit-rule").click();
  const edit = page.getByRole("form", { name: `Edit rule segment ${name}` });
  await expect(edit.getByLabel("Name")).toHaveValue(name);
  await expect(edit.getByLabel("Churn risk from (%)")).toHaveValue("40");
  await edit.getByLabel("Churn risk from (%)").fill("70");
  await capture(page, "segments-rule-edit-form");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(/\/segments$/);

  const members = Number((await sql.query(`SELECT count(*)::int AS n FROM "CustomerInsight" WHERE "churnRisk" >= 0.7`)).rows[0].n);
  await expect(row.getByTestId("segment-profile")).toContainText(`Churn risk 70–100%: ${members.toLocaleString("en-GB")} customer`);
  await expect(row.getByTestId("segment-size")).toHaveText(members.toLocaleString("en-GB"));
  await capture(page, "segments-rule-edited");

  await page.goto("/review");
  await page.getByTestId("filter-saved-segment").selectOption({ label: `${name} (${members.toLocaleString("en-GB")})` });
  await page.getByTestId("filter-apply").click();
  await expect(page).toHaveURL(/saved=[0-9a-f-]{36}/);
  const segmentId = new URL(page.url()).searchParams.get("saved");
  const pending = Number(
    (
      await sql.query(
        `SELECT count(*)::int AS n FROM "Recommendation" r JOIN "SegmentMember" m ON m."customerId" = r."customerId" AND m."segmentId" = $1 WHERE r.status = 'pending_review'`,
        [segmentId],
      )
    ).rows[0].n,
  );
  expect(pending).toBeGreaterThan(0);
  await expect(page.getByTestId("review-total")).toContainText(`${pending.toLocaleString("en-GB")} recommendation${pending === 1 ? "" : "s"} waiting`);
  await expect(page.getByTestId("filter-saved-segment")).toHaveValue(segmentId!);
  await capture(page, "review-saved-segment");
});
