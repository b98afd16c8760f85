import { describe, expect, test } from "vitest";
import { checkEligibility, describeEligibilityProblems, eligibilityFields, eligibilitySchema } from "./eligibility";

describe("checkEligibility", () => {
  test.each([
    { name: "no rules at all", input: {} },
    { name: "value tiers and a churn risk of exactly 1", input: { valueTiers: ["high", "premium"], minChurnRisk: 1 } },
    { name: "a churn risk of exactly 0", input: { minChurnRisk: 0 } },
    { name: "a tenure range of one month", input: { minTenureMonths: 12, maxTenureMonths: 12 } },
    { name: "segments and patterns", input: { segments: ["family"], requiresPatterns: ["poor_network", "bill_shock"] } },
  ])("accepts $name", ({ input }) => {
    expect(checkEligibility(input)).toEqual({ ok: true, eligibility: input });
  });

  test.each([
    { name: "an unknown rule", input: { minAge: 18 }, field: "minAge", says: "minAge is not an eligibility rule." },
    { name: "a misspelt rule", input: { minChurnrisk: 0.5 }, field: "minChurnrisk", says: "is not an eligibility rule" },
    { name: "an unknown value tier", input: { valueTiers: ["gold"] }, field: "valueTiers", says: '"gold" is not a value tier' },
    { name: "an empty list of value tiers", input: { valueTiers: [] }, field: "valueTiers", says: "must list at least one value" },
    { name: "an empty segment name", input: { segments: [""] }, field: "segments", says: "A segment cannot be empty." },
    { name: "an unknown pattern", input: { requiresPatterns: ["likes_cats"] }, field: "requiresPatterns", says: '"likes_cats" is not a journey pattern' },
    { name: "a churn risk just above 1", input: { minChurnRisk: 1.01 }, field: "minChurnRisk", says: "probability from 0 to 1" },
    { name: "a churn risk below 0", input: { minChurnRisk: -0.01 }, field: "minChurnRisk", says: "probability from 0 to 1" },
    { name: "a churn risk given as text", input: { minChurnRisk: "0.5" }, field: "minChurnRisk", says: "must be a number" },
    { name: "a tenure of -1 months", input: { minTenureMonths: -1 }, field: "minTenureMonths", says: "cannot be negative" },
    { name: "a tenure in part months", input: { maxTenureMonths: 6.5 }, field: "maxTenureMonths", says: "whole months" },
    { name: "a maximum tenure one month below the minimum", input: { minTenureMonths: 24, maxTenureMonths: 23 }, field: "maxTenureMonths", says: "must not be below minTenureMonths" },
    { name: "a list instead of rules", input: [], field: "eligibility", says: "must be an object" },
    { name: "null instead of rules", input: null, field: "eligibility", says: "must be an object" },
  ])("refuses $name, naming $field", ({ input, field, says }) => {
    const result = checkEligibility(input);
    if (result.ok) throw new Error("expected a refusal");
    expect(result.problems.map((p) => p.field)).toEqual([field]);
    expect(describeEligibilityProblems(result.problems)).toContain(says);
    expect(describeEligibilityProblems(result.problems)).toContain(field);
  });

  test("names every unknown rule, not just the first", () => {
    const result = checkEligibility({ minAge: 18, region: "Wales", minChurnRisk: 0.4 });
    expect(result.ok ? [] : result.problems.map((p) => p.field)).toEqual(["minAge", "region"]);
  });
});

test("lists every rule the schema knows", () => {
  expect([...eligibilityFields].sort()).toEqual(Object.keys(eligibilitySchema.shape).sort());
});
