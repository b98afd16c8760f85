import { describe, expect, test } from "vitest";
import { fatesOf } from "./fates";

const entry = (key: string) => ({ key, name: key, description: key, channel: "call" as const, costPerContact: 1, goal: "retention", priority: 1, expectedEffect: 0.1, eligibility: {}, resourceKey: "calls", unitsPerContact: 1, isNoAction: false });

describe("fatesOf with capacity prices", () => {
  test.each([
    { title: "keeps the price of a call set aside for capacity", excludePrices: { call: 210 }, price: 210 },
    { title: "keeps a price of nothing when the resource was free", excludePrices: { call: 0 }, price: 0 },
    { title: "leaves the price out when the run priced nothing", excludePrices: undefined, price: undefined },
  ])("$title", ({ excludePrices, price }) => {
    const fates = fatesOf({
      catalog: [entry("call"), entry("sms")],
      decision: { treatmentKey: "sms", expectedValue: 95, alternatives: [] },
      ranked: [],
      excluded: [],
      exclude: ["call"],
      excludeReasons: { call: "a call slot is worth £210 today" },
      ...(excludePrices ? { excludePrices } : {}),
    });
    const call = fates.find((f) => f.treatmentKey === "call");
    expect(call).toMatchObject({ fate: "excluded", rule: "set_aside", reason: "a call slot is worth £210 today" });
    expect(call && "price" in call ? call.price : undefined).toBe(price);
  });
});
