// A marketer's review work end to end: run the pipeline for a customer, read why, approve or
// reject in the queue, and see capacity follow in the queue's live strip and in the database.
// Each test makes its own resource and treatment (unique keys), so other specs cannot move them.
import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import type pg from "pg";
import { capture, expect, test } from "./fixtures/test";

type Resource = { key: string; name: string };

const uniqueTag = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

async function counters(sql: pg.Pool, key: string) {
  const { rows } = await sql.query<{ used: number; held: number; limit: number }>(`SELECT used, held, "limit" FROM "ResourceConstraint" WHERE key = $1`, [key]);
  return rows[0]!;
}

async function createResourceAndTreatment(sql: pg.Pool, opts: { tag: string; limit: number; segment?: string }) {
  const resource: Resource = { key: `e2e_review_slots_${opts.tag}`, name: `Review test slots ${opts.tag}` };
  const treatment = { key: `e2e_review_offer_${opts.tag}`, name: `Review test offer ${opts.tag}` };
  await sql.query(`INSERT INTO "ResourceConstraint" (key, name, "limit", "updatedAt") VALUES ($1, $2, $3, now())`, [resource.key, resource.name, opts.limit]);
  // Only customers of the test's own segment are eligible, so no other spec's run can take it.
  await sql.query(
    `INSERT INTO "Treatment" (key, name, description, channel, "costPerContact", goal, priority, "expectedEffect", eligibility, "resourceKey", "updatedAt")
     VALUES ($1, $2, 'A retention offer used by the review browser test', 'email', 0, 'retention', 1, 0.9, $3, $4, now())`,
    [treatment.key, treatment.name, JSON.stringify({ segments: [opts.segment ?? `e2e-review-${opts.tag}`] }), resource.key],
  );
  return { resource, treatment };
}

/** A customer at risk (recent complaints) who allows email marketing, in the test's own segment. */
async function createCustomer(sql: pg.Pool, opts: { id: string; segment: string }) {
  await sql.query(
    `INSERT INTO "Customer" (id, name, segment, plan, "contractType", "tenureMonths", "monthlyRevenue", "valueTier", region, language, "updatedAt")
     VALUES ($1, $2, $3, 'Unlimited', 'Month-to-month', 24, 80, 'medium', 'London', 'en', now())`,
    [opts.id, `Reviewtest ${opts.id.slice(-6)}`, opts.segment],
  );
  await sql.query(
    `INSERT INTO "JourneyEvent" ("customerId", type, "occurredAt", summary, attributes)
     SELECT $1, 'complaint', now() - (d || ' days')::interval, 'Complaint about dropped calls', '{"category":"network"}'
     FROM unnest(ARRAY[5, 20, 40]) AS d`,
    [opts.id],
  );
  await sql.query(`INSERT INTO "ContactPermission" ("customerId", channel, marketing, "serviceUpdates", billing, "updatedAt") VALUES ($1, 'email', true, true, true, now())`, [opts.id]);
  await sql.query(`INSERT INTO "ContactPreference" ("customerId", "preferredLanguage", "timeZone", "updatedAt") VALUES ($1, 'en', 'UTC', now())`, [opts.id]);
}

/** The review page's live capacity strip entry for one resource. */
function stripItem(page: Page, resource: Resource) {
  return page.getByTestId("capacity-strip").locator(`[data-testid="capacity-strip-item"][data-resource-key="${resource.key}"]`);
}

/** The strip on the current page (no navigation) shows these figures, in its text and its meter's accessible name. */
async function expectStripShows(page: Page, resource: Resource, f: { confirmed: number; held: number; limit: number }) {
  const item = stripItem(page, resource);
  await expect(item.getByTestId("strip-breakdown")).toHaveText(`${f.confirmed} confirmed, ${f.held} held`);
  await expect(item.getByTestId("strip-used")).toHaveText(`${f.confirmed + f.held} / ${f.limit}`);
  await expect(item.getByRole("meter", { name: `${resource.name}: ${f.confirmed} confirmed, ${f.held} held of ${f.limit}`, exact: true })).toBeVisible();
}

/** Marks the loaded document, so a later check can tell that the page was never reloaded or left. */
async function markDocument(page: Page) {
  await page.evaluate(() => document.documentElement.setAttribute("data-e2e-same-document", "yes"));
}

async function expectSameDocument(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-e2e-same-document", "yes");
}

/** "5 / 10" → { used: 5, limit: 10 }, read from what the screen shows. */
function usedOfLimit(text: string): { used: number; limit: number } {
  const match = /^\s*([\d,]+)\s*\/\s*([\d,]+)\s*$/.exec(text);
  if (!match) throw new Error(`Not a "used / limit" figure: ${text}`);
  const toNumber = (s: string) => Number(s.replace(/,/g, ""));
  return { used: toNumber(match[1]!), limit: toNumber(match[2]!) };
}

test("a marketer runs the pipeline for a customer, reads the trace, approves one and rejects another while capacity follows", async ({ page, sql }) => {
  const tag = uniqueTag();
  const segment = `e2e-review-${tag}`;
  const { resource, treatment } = await createResourceAndTreatment(sql, { tag, limit: 10, segment });
  const [first, second] = [`ZZ-REV-${tag}-1`, `ZZ-REV-${tag}-2`];
  await createCustomer(sql, { id: first, segment });
  await createCustomer(sql, { id: second, segment });

  // Run the pipeline from the customer's page and read what it decided, without a reload.
  await page.goto(`/customers/${first}`);
  await expect(page.getByTestId("recommendations-empty")).toBeVisible();
  await expect(page.getByTestId("journey-pattern").first()).toBeVisible();
  await page.getByRole("button", { name: "Run pipeline for this customer" }).click();
  const result = page.getByTestId("run-pipeline-result");
  await expect(result.getByTestId("run-result-treatment")).toHaveText(treatment.name, { timeout: 30_000 });
  await expect(result).toContainText("Pending review");
  await expect(result).toContainText("Deterministic policy");
  await expect(result.getByTestId("run-result-rationale")).toContainText(treatment.name);

  // The list refreshed with the new recommendation; its agent trace opens step by step.
  const card = page.getByTestId("customer-recommendation").first();
  await expect(card).toHaveAttribute("data-status", "pending_review");
  await expect(card.getByTestId("recommendation-rationale")).toContainText(treatment.name);
  await card.getByTestId("recommendation-trace").locator("summary").first().click();
  const firstStep = card.getByTestId("trace-step").first();
  await firstStep.locator("summary").click();
  await expect(firstStep.getByTestId("trace-message")).toContainText(first);
  await expect(card.getByTestId("trace-step").filter({ hasText: "allocate_resource" })).toHaveCount(1);
  await expectNoSidewaysScroll(page);
  await capture(page, "review-customer-trace");
  expect(await counters(sql, resource.key)).toMatchObject({ used: 1, held: 1 });

  // Approve it in the queue, filtered to this treatment: the held slot becomes a confirmed one on the same screen.
  await page.goto(`/review?treatment=${treatment.key}`);
  await expect(page.getByTestId("review-row")).toHaveCount(1);
  await expect(page.getByTestId("review-row")).toContainText(first);
  await expectStripShows(page, resource, { confirmed: 0, held: 1, limit: 10 });
  await markDocument(page);
  await page.getByTestId("review-row").getByRole("button", { name: /^Approve / }).click();
  await expect(page.getByTestId("review-result-text")).toHaveText("Approved 1");
  await expect(page.getByTestId("review-empty")).toBeVisible();
  await expectStripShows(page, resource, { confirmed: 1, held: 0, limit: 10 });
  await expectSameDocument(page);
  expect(await counters(sql, resource.key)).toMatchObject({ used: 1, held: 0 });

  // The second customer's recommendation is rejected with a reason; its held slot comes back.
  await page.goto(`/customers/${second}`);
  await page.getByRole("button", { name: "Run pipeline for this customer" }).click();
  await expect(page.getByTestId("run-result-treatment")).toHaveText(treatment.name, { timeout: 30_000 });
  expect(await counters(sql, resource.key)).toMatchObject({ used: 2, held: 1 });

  await page.goto(`/review?treatment=${treatment.key}`);
  await expect(page.getByTestId("review-row")).toHaveCount(1);
  await expectStripShows(page, resource, { confirmed: 1, held: 1, limit: 10 });
  await markDocument(page);
  await page.getByTestId("review-row").getByRole("button", { name: /^Reject / }).click();
  const dialog = page.getByTestId("reject-dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Reject" }).click();
  await expect(dialog.getByText("Give a reason of at least 3 characters.")).toBeVisible();
  await dialog.getByTestId("reject-reason").fill("Customer asked not to be contacted this month");
  await capture(page, "review-reject-dialog");
  await dialog.getByRole("button", { name: "Reject" }).click();
  await expect(page.getByTestId("review-result-text")).toHaveText("Rejected 1");
  await expect(dialog).toBeHidden();
  // The held slot is given back: used goes down from 2 to 1 without leaving the queue.
  await expectStripShows(page, resource, { confirmed: 1, held: 0, limit: 10 });
  await expectSameDocument(page);
  expect(await counters(sql, resource.key)).toMatchObject({ used: 1, held: 0 });

  // A third customer's recommendation is overridden with another treatment the customer may get.
  const third = `ZZ-REV-${tag}-3`;
  await createCustomer(sql, { id: third, segment });
  await page.goto(`/customers/${third}`);
  await page.getByRole("button", { name: "Run pipeline for this customer" }).click();
  await expect(page.getByTestId("run-result-treatment")).toHaveText(treatment.name, { timeout: 30_000 });
  expect(await counters(sql, resource.key)).toMatchObject({ used: 2, held: 1 });
  await page.goto(`/review?treatment=${treatment.key}`);
  await expectStripShows(page, resource, { confirmed: 1, held: 1, limit: 10 });
  await page.getByTestId("review-row").getByRole("button", { name: /^Override / }).click();
  const override = page.getByTestId("override-dialog");
  const choice = override.getByRole("radio", { disabled: false }).first();
  await expect(choice).toBeVisible();
  await expect(override.getByRole("radio", { name: new RegExp(treatment.name) })).toHaveCount(0);
  // Each option says what its capacity costs today before the reviewer chooses it.
  await expect(override.getByTestId("override-option-price").first()).toContainText(/today/);
  await choice.check();
  await override.getByTestId("override-reason").fill("Prefers a smaller offer");
  await capture(page, "review-override-dialog");
  await override.getByRole("button", { name: "Override" }).click();
  await expect(page.getByTestId("review-result-text")).toHaveText("Overrode 1");
  await expectStripShows(page, resource, { confirmed: 1, held: 0, limit: 10 });
  expect(await counters(sql, resource.key)).toMatchObject({ used: 1, held: 0 });
  const overridden = (await sql.query(`SELECT status::text, "treatmentKey", "overriddenFrom" FROM "Recommendation" WHERE "customerId" = $1`, [third])).rows[0];
  expect(overridden).toMatchObject({ status: "overridden", overriddenFrom: treatment.key });
  expect(overridden.treatmentKey).not.toBe(treatment.key);

  const reviews = await sql.query(`SELECT "customerId", status::text, "reviewReason" FROM "Recommendation" WHERE "customerId" = ANY($1::text[]) ORDER BY "customerId"`, [[first, second]]);
  expect(reviews.rows).toEqual([
    { customerId: first, status: "approved", reviewReason: null },
    { customerId: second, status: "rejected", reviewReason: "Customer asked not to be contacted this month" },
  ]);
  await page.goto(`/customers/${second}`);
  await expect(page.getByTestId("customer-recommendation").first()).toContainText("Customer asked not to be contacted this month");
});

test("bulk approval of 20 confirms only the 5 held slots and reports the 15 it skipped", async ({ page, sql }) => {
  const tag = uniqueTag();
  const limit = 5;
  const { resource, treatment } = await createResourceAndTreatment(sql, { tag, limit });
  // 20 customers of the test's own (ids sort after every seeded one, so no run started by another
  // spec selects them and replaces their recommendations): 5 hold the resource's 5 units, 15 nothing.
  const customers = Array.from({ length: 20 }, (_, i) => `ZZ-BULK-${tag}-${String(i + 1).padStart(2, "0")}`);
  for (const id of customers) await createCustomer(sql, { id, segment: `e2e-review-${tag}` });
  const runId = randomUUID();
  await sql.query(`INSERT INTO "Run" (id, status, policy, scope, total, processed) VALUES ($1, 'completed', 'rules', '{}', 20, 20)`, [runId]);
  const ids = customers.map(() => randomUUID());
  await sql.query(
    `INSERT INTO "Recommendation" (id, "runId", "customerId", status, "treatmentKey", policy, rationale, confidence, "expectedValue", "permissionStatement", "createdAt", "updatedAt")
     SELECT id, $2, "customerId", 'pending_review', $3, 'rules', 'Bulk review test: churn risk after repeated complaints.', 0.7, 25, 'Email marketing allowed.', now() + (n || ' ms')::interval, now()
     FROM unnest($1::uuid[], $4::text[]) WITH ORDINALITY AS x(id, "customerId", n)`,
    [ids, runId, treatment.key, customers],
  );
  const periodStart = (await sql.query(`SELECT "periodStart" FROM "ResourceConstraint" WHERE key = $1`, [resource.key])).rows[0].periodStart;
  await sql.query(
    `INSERT INTO "Allocation" ("resourceKey", "treatmentKey", "customerId", "recommendationId", "runId", outcome, units, reason, "periodStart")
     SELECT $1, $2, "customerId", id, $3, 'held', 1, 'Held for the bulk review test', $4 FROM unnest($5::uuid[], $6::text[]) AS x(id, "customerId")`,
    [resource.key, treatment.key, runId, periodStart, ids.slice(0, limit), customers.slice(0, limit)],
  );
  await sql.query(`UPDATE "ResourceConstraint" SET used = $2, held = $2 WHERE key = $1`, [resource.key, limit]);

  await page.goto(`/review?treatment=${treatment.key}`);
  await expect(page.getByTestId("review-total")).toContainText("20 recommendations");
  await expect(page.getByTestId("review-row")).toHaveCount(20);
  await expectStripShows(page, resource, { confirmed: 0, held: limit, limit });

  // Keyboard: x selects the highlighted row, j moves down.
  await expect(page.locator("body")).toHaveAttribute("data-review-keys", "ready");
  await page.keyboard.press("x");
  await page.keyboard.press("j");
  await page.keyboard.press("x");
  await expect(page.getByTestId("review-selected-count")).toHaveText("2 selected");

  await page.getByRole("checkbox", { name: "Select every recommendation on this page" }).check();
  await expect(page.getByTestId("review-selected-count")).toHaveText("20 selected");
  await expectNoSidewaysScroll(page);
  await capture(page, "review-bulk-selected");
  await page.getByRole("button", { name: "Approve 20…" }).click();
  await expect(page.getByTestId("approve-dialog")).toContainText("Approve 20 recommendations?");
  await page.getByTestId("approve-confirm").click();
  await expect(page.getByTestId("review-result-text")).toContainText("Approved 5; 15 skipped: no capacity left");
  await expect(page.getByTestId("review-row")).toHaveCount(15);
  await expect(page.getByTestId("review-selected-count")).toHaveText("0 selected");
  await expectStripShows(page, resource, { confirmed: limit, held: 0, limit });
  await capture(page, "review-bulk-result");

  const after = await counters(sql, resource.key);
  expect(after).toEqual({ used: limit, held: 0, limit });
  const statuses = await sql.query(`SELECT status::text, count(*)::int AS n FROM "Recommendation" WHERE id = ANY($1::uuid[]) GROUP BY status ORDER BY status`, [ids]);
  expect(statuses.rows).toEqual([
    { status: "approved", n: 5 },
    { status: "pending_review", n: 15 },
  ]);
  const history = await sql.query(`SELECT outcome::text, count(*)::int AS n FROM "Allocation" WHERE "resourceKey" = $1 GROUP BY outcome ORDER BY outcome`, [resource.key]);
  expect(history.rows).toEqual([
    { outcome: "confirmed", n: 5 },
    { outcome: "denied", n: 15 },
    { outcome: "held", n: 5 },
  ]);
  // Never more used than the limit: read from the figures people see (the meter's ARIA value is clamped), on both screens.
  const shownInQueue = usedOfLimit(await stripItem(page, resource).getByTestId("strip-used").innerText());
  expect(shownInQueue.used).toBeLessThanOrEqual(shownInQueue.limit);
  expect(shownInQueue).toEqual({ used: after.used, limit: after.limit });
  await page.goto("/constraints");
  const gauge = page.locator(`[data-testid="resource-gauge"][data-resource-key="${resource.key}"]`);
  await expect(gauge.getByTestId("gauge-used")).toHaveText(String(after.used));
  const shownOnConstraints = { used: Number(await gauge.getByTestId("gauge-used").innerText()), limit: Number(await gauge.getByTestId("gauge-limit").innerText()) };
  expect(shownOnConstraints.used).toBeLessThanOrEqual(shownOnConstraints.limit);
  expect(shownOnConstraints).toEqual({ used: after.used, limit: after.limit });

  // The 15 left are rejected together with one reason; nothing was held for them, so capacity stays.
  await page.goto(`/review?treatment=${treatment.key}`);
  await page.getByRole("checkbox", { name: "Select every recommendation on this page" }).check();
  await page.getByRole("button", { name: "Reject 15…" }).click();
  const dialog = page.getByTestId("reject-dialog");
  await dialog.getByTestId("reject-reason").fill("No capacity left this period");
  await dialog.getByRole("button", { name: "Reject 15" }).click();
  await expect(page.getByTestId("review-result-text")).toHaveText("Rejected 15");
  await expect(page.getByTestId("review-empty")).toBeVisible();
  expect(await counters(sql, resource.key)).toEqual({ used: limit, held: 0, limit });
});

/** `count` pending recommendations of a new treatment, each holding one unit of its resource (limit `limit`). */
async function seedPendingWithHolds(sql: pg.Pool, opts: { tag: string; count: number; limit: number; prefix: string }) {
  const { resource, treatment } = await createResourceAndTreatment(sql, { tag: opts.tag, limit: opts.limit });
  const customers = Array.from({ length: opts.count }, (_, i) => `ZZ-${opts.prefix}-${opts.tag}-${String(i + 1).padStart(2, "0")}`);
  for (const id of customers) await createCustomer(sql, { id, segment: `e2e-review-${opts.tag}` });
  const runId = randomUUID();
  await sql.query(`INSERT INTO "Run" (id, status, policy, scope, total, processed) VALUES ($1, 'completed', 'rules', '{}', $2, $2)`, [runId, opts.count]);
  const ids = customers.map(() => randomUUID());
  await sql.query(
    `INSERT INTO "Recommendation" (id, "runId", "customerId", status, "treatmentKey", policy, rationale, confidence, "expectedValue", "permissionStatement", "createdAt", "updatedAt")
     SELECT id, $2, "customerId", 'pending_review', $3, 'rules', 'Keyboard review test: churn risk after repeated complaints.', 0.7, 25, 'Email marketing allowed.', now() + (n || ' ms')::interval, now()
     FROM unnest($1::uuid[], $4::text[]) WITH ORDINALITY AS x(id, "customerId", n)`,
    [ids, runId, treatment.key, customers],
  );
  const periodStart = (await sql.query(`SELECT "periodStart" FROM "ResourceConstraint" WHERE key = $1`, [resource.key])).rows[0].periodStart;
  await sql.query(
    `INSERT INTO "Allocation" ("resourceKey", "treatmentKey", "customerId", "recommendationId", "runId", outcome, units, reason, "periodStart")
     SELECT $1, $2, "customerId", id, $3, 'held', 1, 'Held for the keyboard review test', $4 FROM unnest($5::uuid[], $6::text[]) AS x(id, "customerId")`,
    [resource.key, treatment.key, runId, periodStart, ids, customers],
  );
  await sql.query(`UPDATE "ResourceConstraint" SET used = $2, held = $2 WHERE key = $1`, [resource.key, opts.count]);
  return { resource, treatment, customers, ids };
}

test("keys from page load, select all 55 matching across pages, one confirmation, undo, and a reason code", async ({ page, sql }) => {
  const tag = uniqueTag();
  const { resource, treatment, customers, ids } = await seedPendingWithHolds(sql, { tag, count: 55, limit: 60, prefix: "KEYS" });
  const statuses = async () =>
    Object.fromEntries((await sql.query(`SELECT status::text, count(*)::int AS n FROM "Recommendation" WHERE id = ANY($1::uuid[]) GROUP BY status`, [ids])).rows.map((r) => [r.status, r.n]));

  // The demo seed empties every table, the migration's starting reasons with them, so the test keeps the reason it picks.
  await sql.query(
    `INSERT INTO "ReviewReason" (id, kind, code, label, position, "updatedAt") VALUES (gen_random_uuid(), 'reject', 'contacted_recently', 'Customer contacted recently', 1, now())
     ON CONFLICT (kind, code) DO UPDATE SET label = EXCLUDED.label, "isActive" = true`,
  );
  await page.goto(`/review?treatment=${treatment.key}`);
  await expect(page.getByTestId("review-row")).toHaveCount(50);
  await expect(page.locator("body")).toHaveAttribute("data-review-keys", "ready");
  // No Tab, no click: the first row is highlighted and j / k move the highlight.
  const focusedRow = page.locator('[data-testid="review-row"][data-focused="true"]');
  await expect(focusedRow).toContainText(customers[0]!);
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await expect(focusedRow).toContainText(customers[2]!);
  await page.keyboard.press("k");
  await expect(focusedRow).toContainText(customers[1]!);
  await page.keyboard.press("x");
  await expect(page.getByTestId("review-selected-count")).toHaveText("1 selected");

  // The whole filtered set, across both pages, with what approving it would confirm.
  await page.getByRole("checkbox", { name: "Select every recommendation on this page" }).check();
  await page.getByTestId("select-all-matching").click();
  await expect(page.getByTestId("review-selected-count")).toHaveText("All 55 matching selected");
  await expect(page.getByTestId("selection-totals")).toHaveText(`55 recommendations · expected value £1,375.00 · approving confirms ${resource.name} 55 contacts`);
  await capture(page, "review-select-all-matching");

  // a on a selection asks once, naming how many; Enter confirms the highlighted choice.
  await page.keyboard.press("a");
  const confirm = page.getByTestId("approve-dialog");
  await expect(confirm).toContainText("Approve 55 recommendations?");
  await expect(confirm.getByTestId("approve-totals")).toContainText(`${resource.name} 55 contacts`);
  await capture(page, "review-approve-confirm");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("undo-toast")).toContainText("Approved 55");
  expect(await statuses()).toEqual({ approved: 55 });
  expect(await counters(sql, resource.key)).toMatchObject({ used: 55, held: 0 });
  await capture(page, "review-undo-toast");

  await page.getByTestId("undo-button").click();
  await expect(page.getByTestId("review-result-text")).toHaveText("Undid 55");
  await expect(page.getByTestId("review-row")).toHaveCount(50);
  expect(await statuses()).toEqual({ pending_review: 55 });
  expect(await counters(sql, resource.key)).toMatchObject({ used: 55, held: 55 });

  // r on the highlighted row: a kept reason, stored as its code.
  // The keys wait while the undo's refresh finishes; once a dialog is open they are ignored, so a second press is harmless.
  const dialog = page.getByTestId("reject-dialog");
  await expect(async () => {
    await page.keyboard.press("r");
    await expect(dialog).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await dialog.getByTestId("reject-reason-code").selectOption({ label: "Customer contacted recently" });
  await capture(page, "review-reasons-dialog");
  await dialog.getByRole("button", { name: "Reject" }).click();
  await expect(page.getByTestId("review-result-text")).toHaveText("Rejected 1");
  const rejected = (await sql.query(`SELECT "reviewReasonCode", "reviewReason" FROM "Recommendation" WHERE id = ANY($1::uuid[]) AND status = 'rejected'`, [ids])).rows;
  expect(rejected).toEqual([{ reviewReasonCode: "contacted_recently", reviewReason: "Customer contacted recently" }]);
});

/** Fails with the widest elements named when the page scrolls sideways at this width. */
async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    const wide = [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className.toString().slice(0, 60)} right=${Math.round(el.getBoundingClientRect().right)}`);
    return { scrollWidth: document.documentElement.scrollWidth, width, wide };
  });
  expect(overflow).toBeNull();
}

test.describe("at tablet width", () => {
  test.use({ viewport: { width: 820, height: 1180 } });

  test("the review queue and a customer page fit without sideways scrolling", async ({ page, sql }) => {
    await page.goto("/review");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Review queue");
    await expect(page.getByTestId("capacity-strip-item").first()).toBeVisible();
    await expectNoSidewaysScroll(page);
    await expect(page.getByRole("button", { name: /^Approve / }).first()).toBeInViewport();
    await page.screenshot({ path: "test-results/screens/review-tablet-top.png" });
    const id = (await sql.query(`SELECT "customerId" FROM "Recommendation" WHERE trace::jsonb <> '[]'::jsonb ORDER BY "createdAt" LIMIT 1`)).rows[0].customerId as string;
    await page.goto(`/customers/${id}`);
    await expect(page.getByTestId("journey-metrics")).toBeVisible();
    await expectNoSidewaysScroll(page);
    await capture(page, "customer-detail-tablet");
  });

  test("every main navigation link is on screen, wrapping onto another row rather than running off it", async ({ page }) => {
    await page.goto("/review");
    const links = page.getByRole("navigation", { name: "Main" }).getByRole("link");
    // The manager in demo mode: fourteen screens (with segments, scenarios, contact policy, evaluation, experiments and import) and the demo (no Users: that is the administrator's).
    await expect(links).toHaveCount(15);
    for (const link of await links.all()) await expect(link).toBeInViewport({ ratio: 1 });
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: "test-results/screens/nav-tablet.png" });
  });
});
