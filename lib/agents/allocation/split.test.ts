import { describe, expect, test } from "vitest";
import { createHighsSolver } from "../../optimization/highs";
import { decideHold } from "./capacity";
import { type PlanCustomer, type PlanResource, planGreedy } from "./optimize";
import { countersOf } from "./plan";
import { planByArm, splitResources, splitUnits } from "./split";

describe("splitUnits", () => {
  test.each([
    { title: "splits 10 units 50/50 into 5 and 5", total: 10, weights: [4, 4], parts: [5, 5] },
    { title: "gives the odd unit of 7 to the larger remainder (70/30 of 7 is 4.9/2.1)", total: 7, weights: [7, 3], parts: [5, 2] },
    { title: "gives a tied odd unit to the earlier arm", total: 3, weights: [1, 1], parts: [2, 1] },
    { title: "never hands out more than the free units when three arms round up (10 over 1/3 each)", total: 10, weights: [1, 1, 1], parts: [4, 3, 3] },
    { title: "gives an arm with no customers nothing and the others everything", total: 9, weights: [0, 2, 1], parts: [0, 6, 3] },
    { title: "gives nobody anything when no arm has customers", total: 9, weights: [0, 0], parts: [0, 0] },
    { title: "splits nothing when nothing is free", total: 0, weights: [5, 5], parts: [0, 0] },
    { title: "keeps whole units when the free count is fractional", total: 5.7, weights: [1, 1], parts: [3, 2] },
  ])("$title", ({ total, weights, parts }) => {
    const got = splitUnits(total, weights);
    expect(got).toEqual(parts);
    expect(got.reduce((s, p) => s + p, 0)).toBeLessThanOrEqual(Math.floor(total));
  });
});

describe("splitResources", () => {
  const calls: PlanResource = { key: "calls", name: "Call slots", available: 11, reserveLeft: 3 };

  test.each([
    { title: "splits the general pool (8 into 6 and 2) and the reserve (3 into 2 and 1) separately by customers 3:1", arms: [3, 1], slices: [{ available: 6 + 2, reserveLeft: 2 }, { available: 2 + 1, reserveLeft: 1 }] },
    { title: "leaves an arm with no customers an empty slice", arms: [0, 5], slices: [{ available: 0, reserveLeft: 0 }, { available: 11, reserveLeft: 3 }] },
  ])("$title", ({ arms, slices }) => {
    const split = splitResources([calls], arms.map((customers, i) => ({ key: `arm${i}`, customers })));
    const got = arms.map((_, i) => split.get(`arm${i}`)![0]!);
    expect(got.map((r) => ({ available: r.available, reserveLeft: r.reserveLeft }))).toEqual(slices);
    expect(got.reduce((s, r) => s + r.available, 0)).toBeLessThanOrEqual(calls.available);
    expect(got.reduce((s, r) => s + r.reserveLeft, 0)).toBeLessThanOrEqual(calls.reserveLeft);
  });
});

describe("planByArm", () => {
  const solver = createHighsSolver();
  // Two arms with the same customers: a high-priority one who gains little from the call over the
  // SMS, and a lower-priority one who gains much; one call slot per arm.
  const twin = (arm: string, isHighValue = false): PlanCustomer[] => [
    { customerId: `${arm}-rich`, isHighValue, priority: 90, options: [{ treatmentKey: "call", value: 100, resourceKey: "calls", units: 1 }, { treatmentKey: "sms", value: 95, resourceKey: "texts", units: 1 }] },
    { customerId: `${arm}-keen`, isHighValue: false, priority: 10, options: [{ treatmentKey: "call", value: 80, resourceKey: "calls", units: 1 }, { treatmentKey: "sms", value: 5, resourceKey: "texts", units: 1 }] },
  ];
  const resources: PlanResource[] = [
    { key: "calls", name: "Call slots", available: 2, reserveLeft: 0 },
    { key: "texts", name: "SMS", available: 10, reserveLeft: 0 },
  ];
  const arms = [
    { key: "greedy", strategy: "greedy" as const },
    { key: "optimal", strategy: "optimal" as const },
  ];
  const armOf = (id: string) => id.split("-")[0]!;

  test("plans each arm with its own strategy within its slice: greedy calls the high-priority customer, optimal the keen one, and optimal earns more", async () => {
    const { arms: plans } = await planByArm({ customers: [...twin("greedy"), ...twin("optimal")], resources, arms, armOf }, { solver });
    const [greedy, optimal] = plans;
    expect(greedy!.plan.choices.get("greedy-rich")!.treatmentKey).toBe("call");
    expect(optimal!.plan.choices.get("optimal-keen")!.treatmentKey).toBe("call");
    expect(optimal!.plan.totalValue).toBeGreaterThanOrEqual(greedy!.plan.totalValue);
    for (const arm of plans) expect(arm.plan.used.calls).toBeLessThanOrEqual(arm.resources.find((r) => r.key === "calls")!.available);
  });

  test.each([
    { title: "an arm with no customers plans nothing and leaves the other arm every unit", customers: twin("optimal"), greedyCalls: 0, optimalCalls: 2 },
    { title: "arms of 2 and 2 customers get one call slot each", customers: [...twin("greedy"), ...twin("optimal")], greedyCalls: 1, optimalCalls: 1 },
  ])("$title", async ({ customers, greedyCalls, optimalCalls }) => {
    const { arms: plans } = await planByArm({ customers, resources, arms, armOf }, { solver });
    expect(plans.map((a) => a.resources[0]!.available)).toEqual([greedyCalls, optimalCalls]);
  });

  test("a run with one arm plans exactly as the whole run would", async () => {
    const customers = twin("greedy");
    const { arms: plans, order } = await planByArm({ customers, resources, arms: [arms[0]!], armOf }, { solver });
    const whole = planGreedy(customers, resources);
    expect(plans[0]!.plan.choices).toEqual(whole.choices);
    expect(order).toEqual(whole.order);
  });

  test("holding in the merged order grants every planned unit against the real pools, high-value customers of one arm after the regular ones of both", async () => {
    const withReserve: PlanResource[] = [{ key: "calls", name: "Call slots", available: 4, reserveLeft: 2 }, resources[1]!];
    const customers = [...twin("greedy", true), ...twin("optimal", true)];
    const { arms: plans, order } = await planByArm({ customers, resources: withReserve, arms, armOf }, { solver });
    const choiceOf = new Map(plans.flatMap((a) => [...a.plan.choices]));
    const byId = new Map(customers.map((c) => [c.customerId, c]));
    const counters = countersOf(withReserve);
    for (const id of order) {
      const choice = choiceOf.get(id)!;
      const option = byId.get(id)!.options.find((o) => o.treatmentKey === choice.treatmentKey);
      if (!option?.resourceKey) continue;
      const counter = counters.get(option.resourceKey)!;
      expect(decideHold(counter, option.units, byId.get(id)!.isHighValue).isGranted).toBe(true);
      counter.used += option.units;
    }
    expect(order.slice(0, 2).every((id) => !byId.get(id)!.isHighValue)).toBe(true);
  });
});
