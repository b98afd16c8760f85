import { describe, expect, test } from "vitest";
import { explainCapacityLoss, unitPhrase } from "./explain";

const call = { treatmentKey: "retention_call", value: 176.4, resourceKey: "calls", units: 1 };
const sms = { treatmentKey: "retention_sms", value: 95, resourceKey: "texts", units: 1 };
const email = { treatmentKey: "retention_email", value: 12, resourceKey: null, units: 1 };
const names = { treatments: { retention_call: "Retention call", retention_sms: "Retention SMS", retention_email: "Retention email" }, resources: { calls: "Call slots", texts: "SMS quota" } };

describe("explainCapacityLoss", () => {
  test.each([
    { title: "names the call's price when the call lost to it and SMS was free", options: [call, sms], chosen: "retention_sms", prices: { calls: 210 }, text: "Retention call: £176 net, but a call slot is worth £210 today; Retention SMS: £95 net and SMS quota is free" },
    { title: "says nothing when the first choice was given", options: [call, sms], chosen: "retention_call", prices: { calls: 210 }, text: "" },
    { title: "says the resource had no unit left when it lost with no price (greedy)", options: [call, email], chosen: "retention_email", prices: {}, text: "Retention call: £176 net, but Call slots had no unit left; Retention email: £12 net and needs no capacity" },
    { title: "ends with no action when every option lost", options: [call], chosen: null, prices: { calls: 210 }, text: "Retention call: £176 net, but a call slot is worth £210 today; no action: £0" },
    { title: "says the chosen option beat its own price", options: [call, sms], chosen: "retention_sms", prices: { calls: 210, texts: 3 }, text: "Retention call: £176 net, but a call slot is worth £210 today; Retention SMS: £95 net, more than the £3 its capacity is worth today" },
  ])("$title", ({ options, chosen, prices, text }) => {
    expect(explainCapacityLoss({ options, chosenKey: chosen, isHighValue: false, prices: { prices: prices as Record<string, number> }, names })).toBe(text);
  });

  test.each([
    { name: "Retention call slots", phrase: "a retention call slot" },
    { name: "Early upgrade offers", phrase: "an early upgrade offer" },
    { name: "Service SMS quota", phrase: "a unit of service SMS quota" },
    { name: "SMS", phrase: "a unit of SMS" },
  ])("calls one unit of $name $phrase", ({ name, phrase }) => {
    expect(unitPhrase(name)).toBe(phrase);
  });
});
