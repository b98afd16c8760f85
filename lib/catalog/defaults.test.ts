import { describe, expect, test } from "vitest";
import { checkEligibility } from "../agents/rules/eligibility";
import { DEFAULT_CAPACITY_CUSTOMERS, REFERENCE_CUSTOMERS, defaultTreatmentCatalog, reservedUnits, scaleCapacity, scaledResources } from "./defaults";

describe("scaleCapacity", () => {
  test.each([
    { base: 2, customers: 500, limit: 2 },
    { base: 2, customers: 2000, limit: 8 },
    { base: 2, customers: 1_000_000, limit: 4000 },
    { base: 2, customers: 100, limit: 1 },
    { base: 2, customers: 1, limit: 1 },
    { base: 2, customers: 0, limit: 1 },
    { base: 5, customers: 300, limit: 3 },
    { base: 10_000, customers: 2000, limit: 40_000 },
  ])("gives $limit a day for base $base and $customers customers", ({ base, customers, limit }) => {
    expect(scaleCapacity(base, customers)).toBe(limit);
  });

  test.each([1, 7, 300, 499, 500, 2000, 50_000, 1_000_000, 5_000_000])("keeps every limit at 1 or more and reserves within it for %i customers", (customers) => {
    for (const r of scaledResources(customers)) {
      expect(r.limit).toBeGreaterThanOrEqual(1);
      expect(r.reservedHighValue).toBeGreaterThanOrEqual(0);
      expect(r.reservedHighValue).toBeLessThanOrEqual(r.limit);
    }
  });

  test.each([500, 2000, 300_000, 1_000_000])("keeps retention calls scarce (under 1% of %i customers a day)", (customers) => {
    const calls = scaledResources(customers).find((r) => r.key === "retention_call_slots");
    expect(calls).toBeDefined();
    expect(calls!.limit / customers).toBeLessThan(0.01);
  });

  test("sizes a fresh database's capacities for 10,000 customers", () => {
    const limits = Object.fromEntries(scaledResources(DEFAULT_CAPACITY_CUSTOMERS).map((r) => [r.key, r.limit]));
    expect(limits).toMatchObject({ retention_call_slots: 40, service_call_slots: 100, retention_sms_quota: 20_000 });
  });

  test("uses the original's numbers at the reference size", () => {
    const limits = Object.fromEntries(scaledResources(REFERENCE_CUSTOMERS).map((r) => [r.key, r.limit]));
    expect(limits).toMatchObject({ retention_call_slots: 2, service_call_slots: 5, retention_sms_quota: 1000, loyalty_app_pushes: 10_000 });
  });
});

describe("reservedUnits", () => {
  test.each([
    { limit: 8, share: 0.25, units: 2 },
    { limit: 1, share: 0.25, units: 0 },
    { limit: 4000, share: 0, units: 0 },
    { limit: 10, share: 1.5, units: 10 },
  ])("reserves $units of $limit at share $share", ({ limit, share, units }) => {
    expect(reservedUnits(limit, share)).toBe(units);
  });
});

describe("defaultTreatmentCatalog", () => {
  test("has the original's eleven treatments and one no-action entry", () => {
    expect(defaultTreatmentCatalog).toHaveLength(12);
    const noAction = defaultTreatmentCatalog.filter((t) => t.isNoAction);
    expect(noAction.map((t) => t.key)).toEqual(["ignore"]);
    expect(noAction[0]).toMatchObject({ channel: null, resource: null, costPerContact: 0 });
    expect(new Set(defaultTreatmentCatalog.map((t) => t.key)).size).toBe(12);
  });

  test.each(defaultTreatmentCatalog.filter((t) => !t.isNoAction).map((t) => [t.key, t] as const))("%s has a channel, a capacity and a plausible effect", (_key, t) => {
    expect(t.channel).not.toBeNull();
    expect(t.resource).not.toBeNull();
    expect(t.costPerContact).toBeGreaterThan(0);
    expect(t.expectedEffect).toBeGreaterThan(0);
    expect(t.expectedEffect).toBeLessThanOrEqual(1);
  });

  test.each(defaultTreatmentCatalog.map((t) => [t.key, t.eligibility] as const))("%s has eligibility rules the schema accepts", (_key, eligibility) => {
    expect(checkEligibility(eligibility)).toEqual({ ok: true, eligibility });
  });

  test("expects calls to work best", () => {
    const calls = defaultTreatmentCatalog.filter((t) => t.channel === "call").map((t) => t.expectedEffect);
    const others = defaultTreatmentCatalog.filter((t) => t.channel !== "call").map((t) => t.expectedEffect);
    expect(Math.min(...calls)).toBeGreaterThan(Math.max(...others));
  });

  test("reaches customers on every channel", () => {
    expect(new Set(defaultTreatmentCatalog.map((t) => t.channel).filter(Boolean))).toEqual(new Set(["email", "sms", "call", "push", "mail"]));
  });
});
