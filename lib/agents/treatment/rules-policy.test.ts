import { describe, expect, it, test } from "vitest";
import type { JourneyPattern } from "../domain";
import type { CatalogEntry } from "./compliance";
import { computeConfidence, decideByRules, expectedValueOf, formatMoney, NO_ACTION_MARGIN_GBP } from "./rules-policy";
import {
  complainerContext,
  makeAnalysis,
  makeContext,
  makePermissions,
  noRecordContext,
  pattern,
  quietContext,
  testCatalog,
} from "./testing/fixtures";

function decide(context = complainerContext(), opts: { catalog?: CatalogEntry[]; exclude?: string[] } = {}) {
  const result = decideByRules({ catalog: opts.catalog ?? testCatalog, exclude: opts.exclude, ...context });
  if (!result.ok) throw new Error(result.reason);
  return result.decision;
}

const byKey = (key: string) => testCatalog.find((t) => t.key === key)!;

describe("expected value", () => {
  test.each<[string, string, JourneyPattern[], number]>([
    ["no pattern: base effect only", "retention_sms", [], 0],
    ["a goal pattern of medium severity adds 4 points", "service_call_back", [pattern("poor_network", "medium")], 0.04],
    ["the most severe driver sets the uplift, they do not add up", "service_call_back", [pattern("poor_network", "low"), pattern("repeated_complaints", "high")], 0.06],
    ["a pattern the treatment requires drives it (upgrade when due)", "early_upgrade", [pattern("device_upgrade_due", "high")], 0.06],
    ["a pattern outside the goal does not", "loyalty_app", [pattern("poor_network", "high")], 0],
  ])("%s", (_title, key, patterns, uplift) => {
    const analysis = makeAnalysis({ metrics: { churnRisk: 0.5, lifetimeValue: 1000 }, patterns });
    const b = expectedValueOf(byKey(key), analysis);
    expect(b.uplift).toBe(uplift);
    const effect = Math.min(1, byKey(key).expectedEffect + uplift);
    expect(b.value).toBeCloseTo(0.5 * effect * 1000 - byKey(key).costPerContact, 2);
  });

  test("no action is worth exactly nothing", () => {
    expect(expectedValueOf(byKey("ignore"), makeAnalysis()).value).toBe(0);
  });
});

describe("rules policy", () => {
  test("chooses the compliant treatment with the best expected value", () => {
    const d = decide();
    expect(d.treatmentKey).toBe("service_call_back");
    expect(d.policy).toBe("rules");
    expect(d.isNoAction).toBe(false);
    // 48% × (25% + 6% for repeated complaints) × £1,240 − £8.
    expect(d.expectedValue).toBeCloseTo(0.48 * 0.31 * 1240 - 8, 2);
    expect(d.alternatives.every((a, i, all) => i === 0 || all[i - 1]!.expectedValue >= a.expectedValue || a.treatmentKey === "ignore" || all[i - 1]!.treatmentKey === "ignore")).toBe(true);
    expect(d.compliance.isCompliant).toBe(true);
    expect(d.usage).toEqual({ calls: 0, promptTokens: 0, completionTokens: 0, retries: 0 });
  });

  test("the rationale names the driving pattern, its evidence and the arithmetic", () => {
    const d = decide();
    expect(d.rationale).toContain("repeated complaints (3 complaints in the last 90 days");
    expect(d.rationale).toContain("48% churn risk × 31% effect (25% base + 6% for high repeated complaints) × £1,240.00 lifetime value");
    expect(d.rationale).toContain("ahead of Personalised offer");
    expect(d.evidence).toContain("Repeated complaints: 3 complaints in the last 90 days, the last on 2026-11-12 about dropped calls");
  });

  test("chooses no action when no treatment earns the margin", () => {
    const d = decide(quietContext());
    expect(d.treatmentKey).toBe("ignore");
    expect(d.isNoAction).toBe(true);
    expect(d.expectedValue).toBe(0);
    expect(d.compliance.nextContactAt).toBeNull();
    expect(d.rationale).toContain("the best allowed treatment, Loyalty app engagement, is worth £0.20");
    expect(d.rationale).toContain("less than the £1.00 a contact must earn");
  });

  test("no permission record: no action, and the reason says why nothing was allowed", () => {
    const d = decide(noRecordContext());
    expect(d.treatmentKey).toBe("ignore");
    expect(d.alternatives).toEqual([]);
    expect(d.rationale).toContain("no contact treatment is allowed for this customer");
    expect(d.rationale).toContain("no contact permission record");
  });

  test("ranked alternatives leave out every non-compliant treatment", () => {
    const context = complainerContext({ permissions: makePermissions({ marketing: ["email", "push"] }) });
    const d = decide(context);
    const keys = [d.treatmentKey, ...d.alternatives.map((a) => a.treatmentKey)];
    for (const forbidden of ["marketing_call_back", "service_call_back", "retention_sms", "service_sms", "data_boost", "family_plan", "early_upgrade"]) {
      expect(keys).not.toContain(forbidden);
    }
    expect(keys.sort()).toEqual(["ignore", "loyalty_app", "loyalty_points", "personalized_offer", "retention_email"]);
  });

  test("never chooses an excluded key", () => {
    const d = decide(complainerContext(), { exclude: ["service_call_back", "personalized_offer"] });
    expect(d.treatmentKey).toBe("family_plan");
    expect(d.alternatives.map((a) => a.treatmentKey)).not.toContain("service_call_back");
    expect(d.alternatives.map((a) => a.treatmentKey)).not.toContain("personalized_offer");
  });

  test("fails when nothing at all remains", () => {
    const result = decideByRules({ catalog: testCatalog, exclude: ["ignore"], ...noRecordContext() });
    expect(result.ok).toBe(false);
  });

  const single = (cost: number, extra: Partial<CatalogEntry> = {}): CatalogEntry => ({
    ...byKey("loyalty_app"),
    key: "probe",
    expectedEffect: 0.1,
    costPerContact: cost,
    ...extra,
  });
  // 50% × 10% × £100 = £5.00 saved before cost.
  const flat = makeContext({ analysis: makeAnalysis({ metrics: { churnRisk: 0.5, lifetimeValue: 100 } }) });

  test.each([
    [`a contact earning exactly ${NO_ACTION_MARGIN_GBP} is made`, 4, "probe"],
    ["a contact earning a penny less is not", 4.01, "ignore"],
  ])("%s", (_title, cost, expected) => {
    expect(decide(flat, { catalog: [single(cost), byKey("ignore")] }).treatmentKey).toBe(expected);
  });

  test.each([
    ["equal value: the lower priority number wins", [single(1, { key: "b_probe", priority: 2 }), single(1, { key: "a_probe", priority: 3 })], "b_probe"],
    ["equal value and priority: the key decides", [single(1, { key: "b_probe", priority: 2 }), single(1, { key: "a_probe", priority: 2 })], "a_probe"],
  ])("tie-break: %s", (_title, entries, expected) => {
    expect(decide(flat, { catalog: [...entries, byKey("ignore")] }).treatmentKey).toBe(expected);
  });
});

describe("confidence", () => {
  test.each([
    ["no lead, no data", 0, 0, 0.18],
    ["a lead of the half-lead, full data", 5, 1, 0.65],
    ["an unopposed choice with full data", Number.POSITIVE_INFINITY, 1, 1],
  ])("%s", (_title, lead, completeness, expected) => {
    expect(computeConfidence({ leadGbp: lead, completeness })).toBeCloseTo(expected, 2);
  });

  test("missing journey data lowers confidence", () => {
    const full = decide();
    const sparse = complainerContext();
    const metrics = { ...sparse.analysis.metrics, revenueTrend: null, usageTrend: null, sentiment: null, deviceAgeMonths: null, latestChurnScore: null };
    const lower = decide({ ...sparse, analysis: { ...sparse.analysis, metrics } });
    expect(lower.confidence).toBeLessThan(full.confidence);
    expect(lower.confidence).toBeGreaterThanOrEqual(0);
    expect(full.confidence).toBeLessThanOrEqual(1);
  });
});

describe("formatMoney", () => {
  it("writes pounds as en-GB does", () => {
    const intl = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP" });
    const values = [0, 0.004, 0.005, 1, 12.5, -12.5, 999.999, 1000, 1234.56, -1234.56, 1_000_000, 98_765_432.1, -0.001, 0.1 + 0.2];
    for (let i = 0; i < 500; i++) values.push(((i * 7919) % 100_003) / 7 - 5000);
    // A value that rounds to zero is written "£0.00", never "-£0.00".
    for (const v of values) expect(formatMoney(v), String(v)).toBe(intl.format(Math.round(v * 100) / 100 + 0));
  });
});

describe("learned effects", () => {
  const withLearned = (key: string, learned: CatalogEntry["learned"]) => testCatalog.map((t) => (t.key === key ? { ...t, learned } : t));

  test("with no learned effect the decision is the catalog's, word for word", () => {
    const plain = decide();
    const again = decide(complainerContext(), { catalog: testCatalog.map((t) => ({ ...t })) });
    expect(again).toEqual(plain);
    expect(plain.evidence.some((e) => e.includes("learned"))).toBe(false);
  });

  test.each([
    { name: "a learned effect above the catalog's raises the value", learned: 0.4, treatmentKey: "service_call_back" },
    // Learned at 2%, the service call-back (2% + 6% uplift) × 48% × £1,240 − £8 = £39.62 falls behind the personalised offer.
    { name: "a learned effect far below the catalog's lets another treatment win", learned: 0.02, treatmentKey: "personalized_offer" },
  ])("$name", ({ learned, treatmentKey }) => {
    const d = decide(complainerContext(), { catalog: withLearned("service_call_back", { effect: learned, outcomes: 812 }) });
    expect(d.treatmentKey).toBe(treatmentKey);
  });

  test("the rationale and evidence say the effect was learned, from how many outcomes, and the catalog's figure", () => {
    const d = decide(complainerContext(), { catalog: withLearned("service_call_back", { effect: 0.3, outcomes: 812 }) });
    // 30% learned + 6% for high repeated complaints; the catalog would have used 25% + 6%.
    expect(d.rationale).toContain("36% effect (30% base learned from 812 outcomes; catalog 31%, + 6% for high repeated complaints)");
    expect(d.evidence).toContain("effect 36%, learned from 812 outcomes; catalog 31%");
    expect(d.expectedValue).toBeCloseTo(0.48 * 0.36 * 1240 - 8, 2);
  });

  test("a pattern's own learned effect replaces both the base and the severity uplift", () => {
    const d = decide(complainerContext(), { catalog: withLearned("service_call_back", { effect: 0.3, outcomes: 812, byPattern: { repeated_complaints: { effect: 0.45, outcomes: 240 } } }) });
    expect(d.rationale).toContain("45% effect (learned from 240 outcomes with repeated complaints; catalog 31%)");
    expect(d.expectedValue).toBeCloseTo(0.48 * 0.45 * 1240 - 8, 2);
  });
});
