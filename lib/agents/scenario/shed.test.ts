import { describe, expect, test } from "vitest";
import { type HeldDecision, holdsToShed, shedNeed } from "./shed";

const hold = (id: string, expectedValue: number, over: Partial<HeldDecision> = {}): HeldDecision => ({
  recommendationId: id,
  customerId: `C-${id}`,
  treatmentKey: "call",
  units: 1,
  expectedValue,
  priority: 10,
  ...over,
});
const holds = [hold("a", 50), hold("b", 20), hold("c", 35), hold("d", 20, { priority: 5 })];

describe("shedNeed", () => {
  test.each([
    { title: "a limit at what is committed sheds nothing", limit: 10, unitsToShed: 0, isPossible: true },
    { title: "a limit 3 below what is committed sheds 3 held units", limit: 7, unitsToShed: 3, isPossible: true },
    { title: "a limit at the confirmed units sheds every hold", limit: 6, unitsToShed: 4, isPossible: true },
    { title: "a limit one below the confirmed units cannot be reached by shedding", limit: 5, unitsToShed: 5, isPossible: false },
  ])("$title", ({ limit, unitsToShed, isPossible }) => {
    expect(shedNeed({ limit: 12, used: 10, held: 4 }, limit)).toEqual({ unitsToShed, isPossible });
  });
});

describe("holdsToShed", () => {
  test.each([
    { title: "nothing to shed releases nothing", unitsToShed: 0, price: 0, ids: [] },
    { title: "one unit goes from the lowest value, the tie to the customer with less at risk", unitsToShed: 1, price: 0, ids: ["d"] },
    { title: "two units take both £20 holds", unitsToShed: 2, price: 0, ids: ["d", "b"] },
    { title: "more units than held release every hold", unitsToShed: 9, price: 0, ids: ["d", "b", "c", "a"] },
  ])("$title", ({ unitsToShed, price, ids }) => {
    expect(holdsToShed(holds, { unitsToShed, price }).map((h) => h.recommendationId)).toEqual(ids);
  });

  test("prices a hold by the units it takes: a £60 two-slot hold at £25 a slot (net £10) gives way before a £40 one-slot hold (net £15)", () => {
    const mixed = [hold("one", 40), hold("two", 60, { units: 2 })];
    const shed = holdsToShed(mixed, { unitsToShed: 1, price: 25 });
    expect(shed).toEqual([{ ...mixed[1], netValue: 10 }]);
  });
});
