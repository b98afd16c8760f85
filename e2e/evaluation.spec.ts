// The Evaluation screen with a seeded history whose numbers are worked out by hand, and another
// system reporting an outcome through its integration token until an administrator revokes it.
import { authStatePath } from "./fixtures/auth";
import { capture, expect, test } from "./fixtures/test";

const SEGMENT = "Evaluation check";
const TREATMENT = "marketing_call_back";
const DAY_MS = 86_400_000;

test.describe("evaluation with a seeded history", () => {
  test.use({ storageState: authStatePath("admin") });

  test("shows the hand-computed lift, and an integration token writes an outcome until it is revoked", async ({ page, sql, playwright, baseURL }) => {
    // 40 approved call-backs (36 stayed 90 days) against 20 customers held out from it (14 stayed),
    // decided 120 days ago in a segment of their own:
    // d = 0.9 − 0.7 = 0.2; SE = √(0.09/40 + 0.21/20) = 0.112916; 95% CI 0.2 ± 0.221311 = −2.1 to +42.1 points.
    const stamp = Date.now().toString(36);
    const decidedAt = new Date(Date.now() - 120 * DAY_MS);
    const run = await sql.query<{ id: string }>(
      `INSERT INTO "Run" (id, status, policy, scope, total, processed, "createdAt", "startedAt", "finishedAt") VALUES (gen_random_uuid(), 'completed', 'rules', '{}', 60, 60, $1, $1, $1) RETURNING id`,
      [decidedAt],
    );
    const decisionIds: string[] = [];
    for (let i = 0; i < 60; i++) {
      const customerId = `EVAL-${stamp}-${i}`;
      await sql.query(
        `INSERT INTO "Customer" (id, name, segment, plan, "contractType", "tenureMonths", "monthlyRevenue", "valueTier", region, language, "updatedAt")
         VALUES ($1, $2, $3, 'Unlimited', 'Month-to-month', 12, 40, 'medium', 'London', 'en', now())`,
        [customerId, `Evaluation customer ${i}`, SEGMENT],
      );
      const isHeldOut = i >= 40;
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO "Recommendation" (id, "runId", "customerId", status, "treatmentKey", "heldOutFrom", policy, rationale, confidence, "expectedValue", "permissionStatement", "createdAt", "reviewedAt", "updatedAt")
         VALUES (gen_random_uuid(), $1, $2, $3::"RecommendationStatus", $4, $5, 'rules', 'Seeded for the evaluation check', 0.5, 10, 'Call allowed', $6, $6, now()) RETURNING id`,
        [run.rows[0]!.id, customerId, isHeldOut ? "no_action" : "approved", isHeldOut ? null : TREATMENT, isHeldOut ? TREATMENT : null, decidedAt],
      );
      decisionIds.push(rows[0]!.id);
      const stayed = isHeldOut ? i - 40 < 14 : i < 36;
      await sql.query(
        `INSERT INTO "Outcome" (id, "recommendationId", "contactMade", response, "stayed30d", "stayed90d", source, "recordedAt", "updatedAt")
         VALUES (gen_random_uuid(), $1, $2, $3::"OutcomeResponse", $4, $4, 'simulator', $5, now())`,
        [rows[0]!.id, !isHeldOut, isHeldOut ? null : "accepted", stayed, new Date(decidedAt.getTime() + 90 * DAY_MS)],
      );
    }

    await page.goto("/evaluation");
    const sentence = `${SEGMENT}: +20.0 points of retention (95% CI −2.1 to +42.1), 40 treated, 20 held out; not significant yet`;
    await expect(page.getByTestId("evaluation-segments-sentences")).toContainText(sentence);
    await expect(page.getByTestId("chart-lift")).toBeVisible();
    await expect(page.getByTestId("chart-cumulative-value").or(page.getByTestId("evaluation-overall"))).toBeVisible();
    await capture(page, "evaluation");

    // An administrator creates a token for the dialler; it is shown once.
    await page.goto("/integrations");
    await page.getByLabel("System").fill(`Dialler ${stamp}`);
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("integration-token-value").textContent()) ?? "";
    expect(token).toMatch(/^cvmo_/);
    await capture(page, "integrations");

    // The dialler reports that the first call-back's customer declined, with its token and no session.
    const api = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    const body = { recommendationId: decisionIds[0], contactMade: true, response: "declined", stayed30d: true, stayed90d: true, recordedAt: new Date().toISOString() };
    const sent = await api.post("/api/outcomes", { data: body, headers: { authorization: `Bearer ${token}` } });
    expect(sent.status()).toBe(200);
    expect(await sent.json()).toEqual({ recorded: 1, inserted: 0, updated: 1 });

    page.once("dialog", (d) => void d.accept());
    await page.getByTestId("integration-token-row").filter({ hasText: `Dialler ${stamp}` }).getByRole("button", { name: "Revoke" }).click();
    await expect(page.getByTestId("integrations-notice")).toContainText("is revoked");
    const refused = await api.post("/api/outcomes", { data: body, headers: { authorization: `Bearer ${token}` } });
    expect(refused.status()).toBe(401);
    const audit = await sql.query(`SELECT action, "actorLabel" FROM "AuditLog" WHERE "entityId" = $1 AND action = 'outcome.record'`, [decisionIds[0]]);
    expect(audit.rows).toEqual([{ action: "outcome.record", actorLabel: `Integration: Dialler ${stamp}` }]);
    await api.dispose();
  });
});
