import { describe, expect, test } from "vitest";
import { admitsAtPrice } from "./bid-price";

const call = (value: number) => ({ treatmentKey: "retention_call", value, resourceKey: "calls", units: 1 });
const sms = (value: number) => ({ treatmentKey: "retention_sms", value, resourceKey: "texts", units: 1 });
const email = (value: number) => ({ treatmentKey: "email", value, resourceKey: null, units: 1 });

describe("admitsAtPrice", () => {
  test.each([
    { title: "admits a call whose £176 gain beats a £169 slot", options: [call(176)], price: 169, isHighValue: false, choice: "retention_call" },
    { title: "refuses a call whose gain equals the slot's price", options: [call(169)], price: 169, isHighValue: false, choice: null },
    { title: "admits a call a penny above the slot's price", options: [call(169.01)], price: 169, isHighValue: false, choice: "retention_call" },
    { title: "measures the gain over the best free option: £176 − £95 does not beat £169", options: [call(176), sms(95)], price: 169, isHighValue: false, choice: "retention_sms" },
    { title: "measures the gain over an email that takes no capacity", options: [call(200), email(40)], price: 169, isHighValue: false, choice: "email" },
    { title: "admits any call when the resource has room to spare (price 0)", options: [call(2)], price: 0, isHighValue: false, choice: "retention_call" },
    { title: "charges a high-value customer the reserve's lower price", options: [call(120)], price: 169, isHighValue: true, choice: "retention_call" },
  ])("$title", ({ options, price, isHighValue, choice }) => {
    const verdict = admitsAtPrice({ options, isHighValue }, { prices: { calls: price, texts: 0 }, highValuePrices: { calls: 100 } });
    expect(verdict.choice?.treatmentKey ?? null).toBe(choice);
    expect(verdict.checks).toHaveLength(options.length);
  });

  test("reports each option's gain and price so a refusal can be explained", () => {
    const { checks } = admitsAtPrice({ options: [call(176), sms(95)], isHighValue: false }, { prices: { calls: 210 } });
    expect(checks).toEqual([
      { treatmentKey: "retention_call", gain: 81, price: 210, isAdmitted: false },
      { treatmentKey: "retention_sms", gain: 0, price: 0, isAdmitted: true },
    ]);
  });
});
