// A manager changes a limit on the Contact policy screen; a marketer's next run for a customer the
// limit now holds back shows the rule in the customer's why-not table and in the override dialog.
// The test uses a treatment and customer of its own, and the letter limit (off by default), which
// it puts back as it was, so other specs running at the same time decide as before.
import type pg from "pg";
import { authStatePath } from "./fixtures/auth";
import { capture, expect, test } from "./fixtures/test";

const uniqueTag = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** A letter worth most and an email worth less, both only for the test's own segment, without capacity limits. */
async function createTreatments(sql: pg.Pool, tag: string, segment: string) {
  const letter = { key: `e2e_cp_letter_${tag}`, name: `Policy test letter ${tag}` };
  const email = { key: `e2e_cp_email_${tag}`, name: `Policy test email ${tag}` };
  for (const [t, channel, effect] of [[letter, "mail", 0.95], [email, "email", 0.5]] as const) {
    await sql.query(
      `INSERT INTO "Treatment" (key, name, description, channel, "costPerContact", goal, priority, "expectedEffect", eligibility, "resourceKey", "updatedAt")
       VALUES ($1, $2, 'An offer used by the contact policy browser test', $3::"Channel", 0, 'retention', 1, $4, $5, NULL, now())`,
      [t.key, t.name, channel, effect, JSON.stringify({ segments: [segment] })],
    );
  }
  return { letter, email };
}

/** A customer at risk who allows letters and emails, and had a letter from a campaign 3 days ago. */
async function createCustomer(sql: pg.Pool, opts: { id: string; segment: string }) {
  await sql.query(
    `INSERT INTO "Customer" (id, name, segment, plan, "contractType", "tenureMonths", "monthlyRevenue", "valueTier", region, language, "updatedAt")
     VALUES ($1, $2, $3, 'Unlimited', 'Month-to-month', 24, 80, 'medium', 'London', 'en', now())`,
    [opts.id, `Policytest ${opts.id.slice(-6)}`, opts.segment],
  );
  await sql.query(
    `INSERT INTO "JourneyEvent" ("customerId", type, "occurredAt", summary, attributes)
     SELECT $1, 'complaint', now() - (d || ' days')::interval, 'Complaint about dropped calls', '{"category":"network"}' FROM unnest(ARRAY[5, 20, 40]) AS d`,
    [opts.id],
  );
  await sql.query(
    `INSERT INTO "JourneyEvent" ("customerId", type, "occurredAt", summary, attributes)
     VALUES ($1, 'campaign_contact', now() - interval '3 days', 'Letter campaign "Refer a Friend": opened', '{"channel":"mail","campaign":"Refer a Friend","response":"opened"}')`,
    [opts.id],
  );
  await sql.query(
    `INSERT INTO "ContactPermission" ("customerId", channel, marketing, "serviceUpdates", billing, "updatedAt")
     SELECT $1, ch::"Channel", true, true, true, now() FROM unnest(ARRAY['mail', 'email']) AS ch`,
    [opts.id],
  );
  await sql.query(`INSERT INTO "ContactPreference" ("customerId", "preferredLanguage", "timeZone", "updatedAt") VALUES ($1, 'en', 'UTC', now())`, [opts.id]);
}

test("a manager turns on a letter limit; the marketer's next run shows it in the why-not table and the override dialog", async ({ page, browser, sql }) => {
  const tag = uniqueTag();
  const segment = `e2e-policy-${tag}`;
  const { letter, email } = await createTreatments(sql, tag, segment);
  const customer = `ZZ-POL-${tag}`;
  await createCustomer(sql, { id: customer, segment });
  // A demo seed clears the table, which then reads as the defaults; the rule is put back either way.
  const before = (await sql.query(`SELECT "isEnabled", "maxCount", "windowDays" FROM "ContactPolicyRule" WHERE key = 'channel_limit:mail'`)).rows[0] as
    | { isEnabled: boolean; maxCount: number; windowDays: number }
    | undefined;

  try {
    // The manager sets the letter limit to 1 in 60 days and turns it on.
    await page.goto("/contact-policy");
    const row = page.getByTestId("policy-rule").filter({ hasText: /^Letter limit/ });
    await expect(row.getByTestId("policy-rule-status")).toHaveText("Off");
    await row.getByRole("button", { name: "Change letter limit" }).click();
    const dialog = page.getByTestId("policy-dialog");
    await dialog.getByLabel("Contacts allowed").fill("1");
    await dialog.getByLabel("In any window of (days)").fill("60");
    await dialog.getByLabel(/In force/).check();
    await dialog.getByLabel(/Reason/).fill("Letters are costly; one a month at most");
    await capture(page, "contact-policy-dialog");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
    await expect(row.getByTestId("policy-rule-status")).toHaveText("On");
    await expect(row.getByTestId("policy-rule-setting")).toHaveText("At most 1 letter to a customer in any 60 days.");
    await capture(page, "contact-policy-screen");
    const audit = (await sql.query(`SELECT action, before, after FROM "AuditLog" WHERE "entityId" = 'channel_limit:mail' ORDER BY id DESC LIMIT 1`)).rows[0];
    expect(audit).toMatchObject({ action: "contact_policy.update", before: { isEnabled: false, windowDays: 30 }, after: { isEnabled: true, windowDays: 60 } });

    // The marketer runs the pipeline for the customer: the letter is held back by the limit.
    const marketer = await browser.newContext({ storageState: authStatePath("marketer") });
    const mpage = await marketer.newPage();
    try {
      await mpage.goto(`/customers/${customer}`);
      await mpage.getByRole("button", { name: "Run pipeline for this customer" }).click();
      await expect(mpage.getByTestId("run-result-treatment")).toHaveText(email.name, { timeout: 30_000 });
      await mpage.reload();
      const whyNot = mpage.getByTestId("customer-why-not");
      const letterRow = whyNot.getByTestId("why-not-row").filter({ hasText: letter.name });
      await expect(letterRow.getByTestId("why-not-fate")).toHaveText("Channel limit");
      await expect(letterRow.getByTestId("why-not-reason")).toContainText("the 60-day letter limit of 1 was reached on");
      await expect(whyNot.getByTestId("why-not-row").filter({ hasText: email.name }).getByTestId("why-not-fate")).toHaveText("Chosen");
      await capture(mpage, "contact-policy-why-not");

      // In the review queue, the override dialog lists the letter disabled, with the same rule.
      await mpage.goto(`/review?treatment=${email.key}`);
      await expect(mpage.getByTestId("review-row")).toHaveCount(1);
      await mpage.getByTestId("review-row").getByRole("button", { name: /^Override / }).click();
      const override = mpage.getByTestId("override-dialog");
      const excluded = override.getByTestId("override-excluded-option").filter({ hasText: letter.name });
      await expect(excluded).toBeVisible();
      await expect(excluded.getByRole("radio")).toBeDisabled();
      await expect(excluded.getByTestId("override-excluded-reason")).toContainText("the 60-day letter limit of 1 was reached on");
      await capture(mpage, "contact-policy-override-dialog");
    } finally {
      await marketer.close();
    }
  } finally {
    if (before) await sql.query(`UPDATE "ContactPolicyRule" SET "isEnabled" = $1, "maxCount" = $2, "windowDays" = $3 WHERE key = 'channel_limit:mail'`, [before.isEnabled, before.maxCount, before.windowDays]);
    else await sql.query(`DELETE FROM "ContactPolicyRule" WHERE key = 'channel_limit:mail'`);
  }
});
