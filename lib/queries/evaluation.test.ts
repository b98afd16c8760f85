import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { type EvaluationOverview as Overview, evaluateTreatments } from "./evaluation";
import { insertCustomers, insertRecommendation, insertRun, insertTreatment, numberedIds } from "./test-fixtures";

let t: TestDatabase;

// 100 approved retention calls (90 stayed 90 days) and 20 customers held out from it (16 stayed),
// all recorded in March; one more approved call recorded in January, outside the period.
beforeAll(async () => {
  t = await createTestDatabase();
  await insertTreatment(t.prisma, { key: "retention_call", name: "Retention call", expectedEffect: 0.25 });
  await insertTreatment(t.prisma, { key: "win_back_sms", name: "Win-back SMS", channel: "sms", priority: 2, expectedEffect: 0.1 });
  await insertTreatment(t.prisma, { key: "no_action", name: "No action", channel: null, priority: 9, costPerContact: "0", isNoAction: true });
  const ids = numberedIds("C", 121);
  await insertCustomers(t.prisma, ids.map((id) => ({ id })));
  const run = await insertRun(t.prisma);
  for (const [i, customerId] of ids.entries()) {
    const isHeldOut = i >= 100 && i < 120;
    const rec = await insertRecommendation(t.prisma, {
      runId: run.id,
      customerId,
      ...(isHeldOut ? { status: "no_action", treatmentKey: null, heldOutFrom: "retention_call" } : { status: "approved", treatmentKey: "retention_call" }),
    });
    const stayed = isHeldOut ? i - 100 < 16 : i < 90 || i === 120;
    await t.prisma.outcome.create({
      data: {
        recommendationId: rec.id,
        contactMade: !isHeldOut,
        response: isHeldOut ? null : "accepted",
        stayed30d: stayed ? true : false,
        stayed90d: stayed,
        source: "import",
        recordedAt: i === 120 ? new Date("2026-01-15T00:00:00Z") : new Date("2026-03-15T00:00:00Z"),
      },
    });
  }
});

afterAll(async () => {
  await t.drop();
});

test("measures a treatment's approved decisions against the customers held out from it within the period", async () => {
  const overview = await evaluateTreatments(t.prisma, { from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-04-01T00:00:00Z") });
  expect([overview.treatedCount, overview.heldOutCount]).toEqual([100, 20]);
  const call = overview.lifts.find((l) => l.treatmentKey === "retention_call");
  expect(call?.isMeasured).toBe(true);
  if (!call?.isMeasured) return;
  // d = 0.9 − 0.8 = 0.1; SE = √(0.09/100 + 0.16/20) = √0.0089 = 0.094340; CI = 0.1 ± 0.184903.
  expect(call.evaluation.absoluteLift).toBeCloseTo(0.1, 6);
  expect(call.evaluation.absoluteInterval.low).toBeCloseTo(-0.084903, 5);
  // No customer has a lifetime value in this history, so the value of the lift is unknown rather than £0.
  expect(call.valuePerRetainedGbp).toBeNull();
  expect(call.evaluation.sentence).toMatch(/^Retention call: \+10\.0 points of retention \(95% CI −8\.5 to \+28\.5\), 100 treated, 20 held out; not significant yet/);
});

test("says a treatment without outcomes on both sides is not measured yet", async () => {
  const overview = await evaluateTreatments(t.prisma, { from: new Date("2026-03-01T00:00:00Z") });
  expect(overview.lifts.find((l) => l.treatmentKey === "win_back_sms")).toMatchObject({ isMeasured: false, treatedCount: 0, controlCount: 0 });
  expect(overview.lifts.map((l) => l.treatmentKey)).not.toContain("no_action");
});

test("shrinks the learned effect towards the catalog's while outcomes are fewer than the prior strength", async () => {
  const overview = await evaluateTreatments(t.prisma, { from: new Date("2026-03-01T00:00:00Z") });
  // Held-out churn c0 = 4/20 = 0.2; prior retention q = 1 − 0.2·0.75 = 0.85, Beta(170, 30) at strength 200;
  // posterior Beta(260, 40), mean 0.866667 → effect 1 − 0.133333/0.2 = 0.333333; 100 of 200 outcomes.
  const call = overview.effects.find((e) => e.treatmentKey === "retention_call");
  expect(call?.learnedEffect).toBeCloseTo(1 / 3, 5);
  expect(call?.hasEnoughEvidence).toBe(false);
});

test.each([
  { title: "all treatments together", pick: (o: Overview) => o.overall, name: "All treatments" },
  { title: "the strategy that decided them", pick: (o: Overview) => o.strategies.find((s) => s.name === "Deterministic policy"), name: "Deterministic policy" },
  { title: "their segment", pick: (o: Overview) => o.segments[0], name: expect.any(String) },
])("measures $title with the same 100 treated and 20 held out", async ({ pick, name }) => {
  const lift = pick(await evaluateTreatments(t.prisma, { from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-04-01T00:00:00Z") }));
  expect(lift).toMatchObject({ name, isMeasured: true, evaluation: { treatedCount: 100, controlCount: 20 } });
});

test("shows no lift while a side has fewer than 10 outcomes, and says how many it has", async () => {
  // Only the January call is in this period: 1 treated, none held out.
  const overview = await evaluateTreatments(t.prisma, { to: new Date("2026-02-01T00:00:00Z") });
  expect(overview.overall).toMatchObject({ isMeasured: false, treatedCount: 1, controlCount: 0 });
  expect(overview.overall.isMeasured ? "" : overview.overall.reason).toBe("Needs at least 10 outcomes at 90d on each side; has 1 treated and 0 held out.");
});
