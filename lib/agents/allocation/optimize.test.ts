import { describe, expect, test } from "vitest";
import { createHighsSolver } from "../../optimization/highs";
import { mulberry32 } from "../random";
import { decideHold } from "./capacity";
import { allocationLinearProgram } from "./optimal";
import { type PlanCustomer, type PlanResource, planAllocation } from "./optimize";
import { countersOf, planCustomerOf } from "./plan";

const solver = createHighsSolver();
const call = (value: number) => ({ treatmentKey: "call", value, resourceKey: "calls", units: 1 });
const sms = (value: number) => ({ treatmentKey: "sms", value, resourceKey: "texts", units: 1 });
const email = (value: number) => ({ treatmentKey: "email", value, resourceKey: null, units: 1 });
const customer = (customerId: string, priority: number, options: PlanCustomer["options"], isHighValue = false): PlanCustomer => ({ customerId, isHighValue, priority, options });
const calls = (available: number, reserveLeft = 0): PlanResource => ({ key: "calls", name: "Call slots", available, reserveLeft });
const texts = (available: number): PlanResource => ({ key: "texts", name: "SMS", available, reserveLeft: 0 });

type Case = { title: string; customers: PlanCustomer[]; resources: PlanResource[]; greedy: Record<string, string | null>; optimal: number; callPrice?: [number, number] };

const cases: Case[] = [
  {
    title: "gives the one call slot to the customer who loses most without it",
    customers: [customer("a", 9, [call(100), sms(90)]), customer("b", 1, [call(80), sms(10)])],
    resources: [calls(1), texts(10)],
    greedy: { a: "call", b: "sms" },
    optimal: 170,
    callPrice: [10, 70],
  },
  {
    title: "keeps the reserve for the high-value customer and the general slot for a regular one",
    customers: [customer("h", 9, [call(10)], true), customer("r1", 5, [call(50)]), customer("r2", 4, [call(40)])],
    resources: [calls(2, 1)],
    greedy: { h: "call", r1: null, r2: null },
    optimal: 60,
    callPrice: [40, 50],
  },
  {
    title: "fills one slot between two equal customers (a tie) and no more",
    customers: [customer("a", 1, [call(30), email(5)]), customer("b", 1, [call(30), email(5)])],
    resources: [calls(1)],
    greedy: { a: "call", b: "email" },
    optimal: 35,
    callPrice: [25, 25],
  },
  {
    title: "prices a resource with room to spare at nothing",
    customers: [customer("a", 2, [call(30)]), customer("b", 1, [sms(12)])],
    resources: [calls(5), texts(5)],
    greedy: { a: "call", b: "sms" },
    optimal: 42,
    callPrice: [0, 0],
  },
  {
    title: "takes no action when every option's resource is used up",
    customers: [customer("a", 1, [call(30)])],
    resources: [calls(0)],
    greedy: { a: null },
    optimal: 0,
  },
];

describe("planAllocation on hand-solved cases", () => {
  test.each(cases)("greedy $title", async ({ customers, resources, greedy }) => {
    const plan = await planAllocation({ customers, resources, strategy: "greedy" }, {});
    expect(Object.fromEntries([...plan.choices].map(([id, c]) => [id, c.treatmentKey]))).toEqual(greedy);
    expect(plan.upperBound).toBeNull();
  });

  test.each(cases)("optimal $title", async ({ customers, resources, optimal, callPrice }) => {
    const plan = await planAllocation({ customers, resources, strategy: "optimal" }, { solver });
    expect(plan.totalValue).toBeCloseTo(optimal, 2);
    expect(plan.upperBound).toBeCloseTo(optimal, 2);
    if (callPrice) {
      expect(plan.prices.calls).toBeGreaterThanOrEqual(callPrice[0] - 1e-6);
      expect(plan.prices.calls).toBeLessThanOrEqual(callPrice[1] + 1e-6);
    }
  });
});

describe("greedy reproduces the run's allocation order", () => {
  test("serves high-value customers first, then the highest priority, each falling back down its ranked options", async () => {
    const customers = [
      customer("low", 1, [call(60), sms(20)]),
      customer("top", 50, [call(40), sms(30)]),
      customer("mid2", 10, [call(95), sms(45)]),
      customer("vip", 5, [call(70)], true),
      customer("mid", 10, [call(90), sms(50), email(3)]),
    ];
    const plan = await planAllocation({ customers, resources: [calls(3, 1), texts(1)], strategy: "greedy" }, {});
    // vip takes a general slot first (decideHold spends the general pool before the reserve), top the
    // other, mid (ties by id) finds only the reserve left and takes the SMS, mid2 and low find nothing.
    expect(Object.fromEntries([...plan.choices].map(([id, c]) => [id, c.treatmentKey]))).toEqual({ low: null, top: "call", mid: "sms", vip: "call", mid2: null });
    expect(plan.order).toEqual(["vip", "top", "mid", "mid2", "low"]);
    expect(plan.choices.get("mid")?.passedOver).toEqual(["call"]);
    expect(plan.totalValue).toBe(70 + 40 + 50);
  });
});

/** A random instance: a few resources, some with a reserve, customers with up to four options. */
function randomInstance(seed: number): { customers: PlanCustomer[]; resources: PlanResource[] } {
  const random = mulberry32(seed);
  const resources: PlanResource[] = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, r) => {
    const available = Math.floor(random() * 12);
    return { key: `r${r}`, name: `R${r}`, available, reserveLeft: Math.floor(random() * (available + 1) * 0.5) };
  });
  const customers: PlanCustomer[] = Array.from({ length: 5 + Math.floor(random() * 40) }, (_, i) => {
    const options = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, j) => {
      const r = Math.floor(random() * (resources.length + 1));
      return { treatmentKey: `t${j}`, value: Math.round(random() * 20000) / 100, resourceKey: r < resources.length ? `r${r}` : null, units: 1 + Math.floor(random() * 2) };
    }).sort((a, b) => b.value - a.value);
    return { customerId: `c${i}`, isHighValue: random() < 0.3, priority: Math.round(random() * 1000), options };
  });
  return { customers, resources };
}

describe("limits hold whatever the prices", () => {
  test.each(Array.from({ length: 25 }, (_, seed) => ({ seed })))("random instance $seed: every limit and reserve kept, every hold granted in order, value within the LP optimum", async ({ seed }) => {
    const { customers, resources } = randomInstance(seed);
    const byId = new Map(customers.map((c) => [c.customerId, c]));
    for (const strategy of ["greedy", "optimal"] as const) {
      const plan = await planAllocation({ customers, resources, strategy }, { solver });
      const counters = countersOf(resources);
      for (const id of plan.order) {
        const choice = plan.choices.get(id)!;
        const option = byId.get(id)!.options.find((o) => o.treatmentKey === choice.treatmentKey);
        if (!option?.resourceKey) continue;
        const counter = counters.get(option.resourceKey)!;
        expect(decideHold(counter, option.units, byId.get(id)!.isHighValue).isGranted).toBe(true);
        counter.used += option.units;
      }
      for (const r of resources) expect(plan.used[r.key]).toBe(counters.get(r.key)!.used);
      if (strategy === "optimal") {
        const lp = await solver.solve(allocationLinearProgram(customers, resources));
        expect(plan.upperBound!).toBeCloseTo(lp.objective, 1);
        expect(plan.totalValue).toBeLessThanOrEqual(lp.objective + 0.01);
      }
    }
  });
});

describe("planCustomerOf", () => {
  const catalog = [
    { key: "call", resourceKey: "calls", unitsPerContact: 1, isNoAction: false },
    { key: "sms", resourceKey: "texts", unitsPerContact: 2, isNoAction: false },
    { key: "ignore", resourceKey: null, unitsPerContact: 1, isNoAction: true },
  ];
  const alternatives = [
    { treatmentKey: "sms", expectedValue: 95 },
    { treatmentKey: "ignore", expectedValue: 0 },
    { treatmentKey: "email_gone", expectedValue: -3 },
  ];
  test.each([
    { title: "plans the choice and the alternatives ranked above no action", isNoAction: false, treatmentKey: "call", options: ["call", "sms"] },
    { title: "plans nothing for a no-action decision", isNoAction: true, treatmentKey: "ignore", options: [] },
  ])("$title", ({ isNoAction, treatmentKey, options }) => {
    const planned = planCustomerOf({ customerId: "c", isHighValue: false, priority: 1, decision: { treatmentKey, isNoAction, expectedValue: 176, alternatives }, catalog });
    expect(planned.options.map((o) => o.treatmentKey)).toEqual(options);
    if (options.length) expect(planned.options[1]).toEqual({ treatmentKey: "sms", value: 95, resourceKey: "texts", units: 2 });
  });
});
