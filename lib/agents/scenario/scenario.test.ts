import { describe, expect, test } from "vitest";
import { planGreedy } from "../allocation/optimize";
import type { ResourceCounters, TreatmentFate } from "../domain";
import {
  type ScenarioTreatment,
  type ScenarioWorld,
  applyScenario,
  comparePlans,
  planCustomer,
  planResources,
  scenarioChangesSchema,
  scenarioProblems,
  summarisePlan,
} from "./scenario";

const resource = (over: Partial<ResourceCounters> = {}): ResourceCounters => ({
  key: "call_slots",
  name: "Call slots",
  limit: 10,
  used: 6,
  held: 4,
  reservedHighValue: 2,
  period: "day",
  periodStart: "2026-12-07T00:00:00.000Z",
  ...over,
});
const treatments: ScenarioTreatment[] = [
  { key: "call", name: "Retention call", costPerContact: 10, isActive: true, isNoAction: false, resourceKey: "call_slots", unitsPerContact: 1 },
  { key: "sms", name: "Retention SMS", costPerContact: 0.5, isActive: true, isNoAction: false, resourceKey: null, unitsPerContact: 1 },
  { key: "letter", name: "Letter", costPerContact: 2, isActive: false, isNoAction: false, resourceKey: null, unitsPerContact: 1 },
  { key: "none", name: "No action", costPerContact: 0, isActive: true, isNoAction: true, resourceKey: null, unitsPerContact: 1 },
];
const world: ScenarioWorld = { resources: [resource()], treatments };
const changes = (input: unknown) => scenarioChangesSchema.parse(input);

describe("scenarioProblems", () => {
  test.each([
    { title: "accepts a reserve equal to the new limit", input: { resources: [{ key: "call_slots", limit: 2 }] }, problems: [] },
    { title: "refuses a new limit one below the reserve", input: { resources: [{ key: "call_slots", limit: 1 }] }, problems: ["Call slots: the high-value reserve (2) cannot be larger than the limit (1)."] },
    { title: "refuses an unknown resource", input: { resources: [{ key: "vans", limit: 1 }] }, problems: ['There is no resource "vans".'] },
    { title: "refuses an unknown treatment", input: { treatments: [{ key: "fax", isActive: true }] }, problems: ['There is no treatment "fax".'] },
    { title: "refuses deactivating no action", input: { treatments: [{ key: "none", isActive: false }] }, problems: ["No action is what a customer gets when nothing else fits; it cannot be deactivated."] },
  ])("$title", ({ input, problems }) => {
    expect(scenarioProblems(world, changes(input))).toEqual(problems);
  });
});

describe("applyScenario", () => {
  test("changes only what the scenario names and leaves the world it was given alone", () => {
    const next = applyScenario(world, changes({ resources: [{ key: "call_slots", limit: 20 }], treatments: [{ key: "letter", isActive: true }, { key: "call", costPerContact: 15 }] }));
    expect(next.resources[0]).toMatchObject({ limit: 20, reservedHighValue: 2, used: 6 });
    expect(next.treatments.map((t) => [t.key, t.costPerContact, t.isActive])).toEqual([
      ["call", 15, true],
      ["sms", 0.5, true],
      ["letter", 2, true],
      ["none", 0, true],
    ]);
    expect(world.resources[0]!.limit).toBe(10);
  });
});

describe("planResources", () => {
  test.each([
    { title: "gives back the scope's own holds: 6 used, 4 of them held in scope, limit 10 leaves 8", heldInScope: 4, available: 8, reserveLeft: 2 },
    { title: "leaves others' holds committed: none held in scope leaves 4", heldInScope: 0, available: 4, reserveLeft: 2 },
    { title: "never counts below nothing used", heldInScope: 9, available: 10, reserveLeft: 2 },
  ])("$title", ({ heldInScope, available, reserveLeft }) => {
    expect(planResources([resource()], new Map([["call_slots", heldInScope]]))).toEqual([{ key: "call_slots", name: "Call slots", available, reserveLeft }]);
  });

  test("keeps only the room the general pool cannot take as reserve: limit 10, reserve 2, 9 committed leaves 1 unit, all of it reserve", () => {
    expect(planResources([resource({ used: 9, held: 0 })], new Map())).toEqual([{ key: "call_slots", name: "Call slots", available: 1, reserveLeft: 1 }]);
  });
});

describe("planCustomer", () => {
  const fates: TreatmentFate[] = [
    { treatmentKey: "sms", fate: "alternative", rank: 1, value: 12 },
    { treatmentKey: "call", fate: "chosen", value: 30 },
    { treatmentKey: "letter", fate: "alternative", rank: 2, value: 1 },
    { treatmentKey: "none", fate: "alternative", rank: 3, value: 0 },
  ];
  const decidedWith = new Map(treatments.map((t) => [t.key, t]));
  const optionsIn = (input: unknown) => {
    const w = applyScenario(world, changes(input));
    return planCustomer({ customerId: "C1", isHighValue: false, priority: 100, fates }, { decidedWith, world: new Map(w.treatments.map((t) => [t.key, t])) }).options;
  };

  test.each([
    { title: "offers the active ranked treatments best first, without no action", input: {}, options: [["call", 30], ["sms", 12]] },
    { title: "takes a deactivated treatment away", input: { treatments: [{ key: "call", isActive: false }] }, options: [["sms", 12]] },
    { title: "offers an activated treatment at its value", input: { treatments: [{ key: "letter", isActive: true }] }, options: [["call", 30], ["sms", 12], ["letter", 1]] },
    { title: "moves a value by the change of cost: a call £25 dearer is worth £5", input: { treatments: [{ key: "call", costPerContact: 35 }] }, options: [["sms", 12], ["call", 5]] },
    { title: "drops an option a cost rise leaves worth nothing", input: { treatments: [{ key: "call", costPerContact: 40 }] }, options: [["sms", 12]] },
  ])("$title", ({ input, options }) => {
    expect(optionsIn(input).map((o) => [o.treatmentKey, o.value])).toEqual(options);
  });

  test("leaves out a treatment the rules excluded, whatever the scenario", () => {
    const excluded: TreatmentFate[] = [{ treatmentKey: "call", fate: "excluded", rule: "consent", reason: "No call consent" }];
    const plan = planCustomer({ customerId: "C1", isHighValue: true, priority: 5, fates: excluded }, { decidedWith, world: decidedWith });
    expect(plan.options).toEqual([]);
  });
});

describe("comparePlans", () => {
  const customer = (id: string, priority: number, callValue: number) => ({
    customerId: id,
    isHighValue: false,
    priority,
    options: [
      { treatmentKey: "call", value: callValue, resourceKey: "call_slots", units: 1 },
      { treatmentKey: "sms", value: 4, resourceKey: null, units: 0 },
    ],
  });
  const customers = [customer("A", 3, 30), customer("B", 2, 20), customer("C", 1, 10)];
  const plannedWith = (available: number) => {
    const resources = [{ key: "call_slots", name: "Call slots", available, reserveLeft: 0 }];
    const plan = planGreedy(customers, resources);
    const w = applyScenario(world, changes({ resources: [{ key: "call_slots", limit: available, reservedHighValue: 0 }] }));
    return { plan, summary: summarisePlan(plan, { world: w, resources }) };
  };

  test.each([
    { title: "one more slot moves one customer from SMS to a call", from: 1, to: 2, valueDelta: 16, callDelta: 1, changed: 1 },
    { title: "the same limit changes nothing", from: 2, to: 2, valueDelta: 0, callDelta: 0, changed: 0 },
    { title: "no slot at all sends everyone an SMS", from: 3, to: 0, valueDelta: -48, callDelta: -3, changed: 3 },
  ])("$title", ({ from, to, valueDelta, callDelta, changed }) => {
    const comparison = comparePlans(plannedWith(from), plannedWith(to));
    expect(comparison.totalValue.delta).toBe(valueDelta);
    expect(comparison.reach.find((r) => r.key === "call")?.delta).toBe(callDelta);
    expect(comparison.capacity.find((r) => r.key === "call_slots")?.delta).toBe(callDelta);
    expect(comparison.customersChanged).toBe(changed);
  });
});
