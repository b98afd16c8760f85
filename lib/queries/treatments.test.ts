import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { describeEligibility, listTreatments } from "./treatments";
import { insertResource, insertTreatment } from "./test-fixtures";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await insertResource(t.prisma, { key: "call_center_slots", name: "Call-centre slots", limit: 40 });
  await insertTreatment(t.prisma, {
    key: "retention_call",
    name: "Retention call",
    priority: 2,
    costPerContact: "6.75",
    expectedEffect: 0.3,
    resourceKey: "call_center_slots",
    eligibility: { valueTiers: ["high", "premium"], minChurnRisk: 0.5 },
  });
  await insertTreatment(t.prisma, { key: "no_action", name: "No action", channel: null, priority: 9, costPerContact: "0", isNoAction: true });
  await insertTreatment(t.prisma, { key: "win_back_sms", name: "Win-back SMS", channel: "sms", priority: 2, costPerContact: "0.05" });
});

afterAll(async () => {
  await t.drop();
});

test("listTreatments orders by priority then key, with cost as a number and the resource limit", async () => {
  const treatments = await listTreatments(t.prisma);
  expect(treatments.map((x) => x.key)).toEqual(["retention_call", "win_back_sms", "no_action"]);
  expect(treatments[0]).toMatchObject({
    costPerContact: 6.75,
    expectedEffect: 0.3,
    resource: { key: "call_center_slots", name: "Call-centre slots", limit: 40, period: "day" },
    eligibility: [
      { label: "Value tiers", value: "high, premium" },
      { label: "Minimum churn risk", value: "50%" },
    ],
  });
  expect(treatments[2]).toMatchObject({ channel: null, resource: null, isNoAction: true, costPerContact: 0, eligibility: [] });
});

test.each([
  { case: "no rules", input: {}, expected: [] },
  { case: "not an object", input: "everyone", expected: [] },
  { case: "null", input: null, expected: [] },
  { case: "a minimum tenure", input: { minTenureMonths: 6 }, expected: [{ label: "Minimum tenure", value: "6 months" }] },
  { case: "a maximum tenure", input: { maxTenureMonths: 24 }, expected: [{ label: "Maximum tenure", value: "24 months" }] },
  { case: "a churn risk as a percentage", input: { minChurnRisk: 0.35 }, expected: [{ label: "Minimum churn risk", value: "35%" }] },
  {
    case: "patterns in words",
    input: { requiresPatterns: ["poor_network", "bill_shock"] },
    expected: [{ label: "Any of the patterns", value: "poor network, bill shock" }],
  },
  { case: "an unknown camelCase rule", input: { requiresDeviceOlderThanMonths: 24 }, expected: [{ label: "Requires device older than months", value: "24" }] },
  { case: "a snake_case rule", input: { has_open_complaint: true }, expected: [{ label: "Has open complaint", value: "yes" }] },
  { case: "an empty list", input: { segments: [] }, expected: [{ label: "Segments", value: "none" }] },
  { case: "a nested object", input: { usage: { minGb: 5 } }, expected: [{ label: "Usage", value: "min gb 5" }] },
  { case: "a null rule, which is left out", input: { segments: null }, expected: [] },
])("describeEligibility reads $case", ({ input, expected }) => {
  expect(describeEligibility(input)).toEqual(expected);
});
