import { describe, expect, test } from "vitest";
import type { Eligibility } from "../domain";
import { checkCompliance, eligibilityProblems, eligibleTreatments, findNoAction } from "./compliance";
import {
  complainerContext,
  FIXED_NOW,
  makeAnalysis,
  makeContext,
  makePermissions,
  makeProfile,
  noRecordContext,
  pattern,
  testCatalog,
} from "./testing/fixtures";

function check(treatmentKey: string, context = complainerContext(), catalog = testCatalog) {
  return checkCompliance({ treatmentKey, catalog, ...context });
}

describe("eligibility", () => {
  const customer = makeProfile({ segment: "consumer" });
  const analysis = makeAnalysis({ metrics: { valueTier: "medium", tenureMonths: 12, churnRisk: 0.4 }, patterns: [pattern("poor_network")] });

  test.each<[string, Eligibility, string | null]>([
    ["accepts a listed value tier", { valueTiers: ["medium", "high"] }, null],
    ["refuses an unlisted value tier", { valueTiers: ["high", "premium"] }, "value tier medium is not one of high, premium"],
    ["accepts a listed segment", { segments: ["consumer"] }, null],
    ["refuses an unlisted segment", { segments: ["business"] }, "segment 'consumer' is not one of business"],
    ["accepts tenure equal to the minimum", { minTenureMonths: 12 }, null],
    ["refuses tenure one month below the minimum", { minTenureMonths: 13 }, "tenure of 12 months is below the minimum of 13"],
    ["accepts tenure equal to the maximum", { maxTenureMonths: 12 }, null],
    ["refuses tenure one month above the maximum", { maxTenureMonths: 11 }, "tenure of 12 months is above the maximum of 11"],
    ["accepts churn risk equal to the minimum", { minChurnRisk: 0.4 }, null],
    ["refuses churn risk below the minimum", { minChurnRisk: 0.41 }, "churn risk 40% is below the minimum of 41%"],
    ["accepts when one of the required patterns is present", { requiresPatterns: ["bill_shock", "poor_network"] }, null],
    ["refuses when none of the required patterns is present", { requiresPatterns: ["bill_shock"] }, "none of the required patterns (bill_shock) is present"],
    ["accepts an empty rule set", {}, null],
  ])("%s", (_title, eligibility, problem) => {
    const problems = eligibilityProblems(eligibility, customer, analysis);
    expect(problems).toEqual(problem ? [problem] : []);
  });

  test("lists every failed rule, not only the first", () => {
    const problems = eligibilityProblems({ valueTiers: ["premium"], segments: ["youth"], minChurnRisk: 0.9 }, customer, analysis);
    expect(problems).toHaveLength(3);
  });
});

describe("catalog and permissions", () => {
  test("refuses a treatment that is not in the catalog", () => {
    const c = check("free_phone");
    expect(c).toMatchObject({ isCompliant: false, problems: ["treatment 'free_phone' is not in the catalog"], nextContactAt: null });
    expect(c.statement).toBe("Not allowed: treatment 'free_phone' is not in the catalog.");
  });

  test("refuses an inactive treatment", () => {
    const catalog = testCatalog.map((t) => (t.key === "retention_sms" ? { ...t, isActive: false } : t));
    expect(check("retention_sms", complainerContext(), catalog).problems).toContain("treatment 'retention_sms' is not active");
  });

  test.each([
    ["sms opted out", makePermissions({ marketing: ["email", "call", "push", "mail"] }), "retention_sms", "customer opted out of SMS marketing"],
    ["call opted out", makePermissions({ marketing: ["email", "sms"] }), "service_call_back", "customer opted out of call marketing"],
    ["no record at all", makePermissions({ hasRecord: false }), "retention_email", "no contact permission record: no marketing contact on any channel"],
    ["channel missing from the record", { ...makePermissions(), channels: makePermissions().channels.filter((c) => c.channel !== "push") }, "loyalty_app", "no consent recorded for push marketing"],
  ])("refuses contact when %s", (_title, permissions, key, problem) => {
    const c = check(key, complainerContext({ permissions }));
    expect(c.isCompliant).toBe(false);
    expect(c.problems).toContain(problem);
    expect(c.nextContactAt).toBeNull();
    expect(c.statement).toContain(problem);
  });

  test("no permission record leaves only no action eligible", () => {
    const { eligible, excluded } = eligibleTreatments({ catalog: testCatalog, ...noRecordContext() });
    expect(eligible.map((e) => e.treatment.key)).toEqual(["ignore"]);
    expect(excluded).toHaveLength(testCatalog.length - 1);
    for (const e of excluded) expect(e.problems.join(" ")).toMatch(/no contact permission record|not one of|below|none of the required/);
  });

  test("no action is compliant without any permission and names no contact time", () => {
    const c = check("ignore", noRecordContext());
    expect(c).toEqual({ isCompliant: true, statement: "No action: nobody is contacted, so no permission is needed.", problems: [], nextContactAt: null, language: "cy" });
  });

  test.each([
    ["with full consent", complainerContext()],
    ["without a permission record", noRecordContext()],
  ])("refuses a contact treatment that has no channel %s, instead of reading it as no action", (_title, context) => {
    const catalog = [...testCatalog, { ...testCatalog.find((t) => t.key === "retention_email")!, key: "channelless_offer", channel: null }];
    const c = check("channelless_offer", context, catalog);
    expect(c.isCompliant).toBe(false);
    expect(c.problems).toEqual(["treatment 'channelless_offer' has no contact channel"]);
    expect(c.statement).toBe("Not allowed: treatment 'channelless_offer' has no contact channel.");
    expect(c.statement).not.toMatch(/No action/);
    const { eligible, excluded } = eligibleTreatments({ catalog, ...context });
    expect(eligible.map((e) => e.treatment.key)).not.toContain("channelless_offer");
    expect(excluded.find((e) => e.treatmentKey === "channelless_offer")?.problems).toEqual(["treatment 'channelless_offer' has no contact channel"]);
  });

  test("refuses an analysis made for another customer", () => {
    const context = complainerContext();
    const c = check("retention_sms", { ...context, analysis: { ...context.analysis, customerId: "someone-else" } });
    expect(c.problems).toContain("the journey analysis is for customer someone-else, not cust-complainer");
  });

  test("excluded entries carry every reason", () => {
    const { excluded } = eligibleTreatments({ catalog: testCatalog, ...complainerContext({ permissions: makePermissions({ marketing: ["email"] }) }) });
    const call = excluded.find((e) => e.treatmentKey === "marketing_call_back");
    expect(call?.problems).toEqual(["churn risk 48% is below the minimum of 50%", "customer opted out of call marketing"]);
    const early = excluded.find((e) => e.treatmentKey === "early_upgrade");
    expect(early?.problems).toEqual(["none of the required patterns (device_upgrade_due) is present"]);
  });

  test("finds the no-action entry by flag, not by key", () => {
    const catalog = testCatalog.map((t) => (t.isNoAction ? { ...t, key: "do_nothing" } : t));
    expect(findNoAction(catalog)?.key).toBe("do_nothing");
    expect(findNoAction(testCatalog.filter((t) => !t.isNoAction))).toBeNull();
  });
});

describe("contact timing", () => {
  const at = (now: string, preferences: NonNullable<Parameters<typeof makePermissions>[0]>["preferences"], key = "retention_sms") =>
    check(key, complainerContext({ now, permissions: makePermissions({ preferences }) }));

  test("states the permission, windows, first slot and language truthfully", () => {
    const c = at(FIXED_NOW, { preferredLanguage: "cy" });
    expect(c.isCompliant).toBe(true);
    expect(c.statement).toBe(
      "SMS marketing allowed; inside contact window 09:00–20:00; outside do-not-disturb 21:00–08:00; first allowed contact 2026-11-25 09:00 Europe/London; in Welsh (cy).",
    );
    expect(c.nextContactAt).toBe("2026-11-25T09:00:00.000Z");
    expect(c.language).toBe("cy");
  });

  test.each([
    // Europe/London is UTC in November.
    ["email inside do-not-disturb waits for its end", "retention_email", "2026-11-24T22:30:00.000Z", "2026-11-25T08:00:00.000Z"],
    ["email just before do-not-disturb ends waits a minute", "retention_email", "2026-11-25T07:59:00.000Z", "2026-11-25T08:00:00.000Z"],
    ["email at the minute do-not-disturb ends goes now", "retention_email", "2026-11-25T08:00:00.000Z", "2026-11-25T08:00:00.000Z"],
    ["push just before midnight inside do-not-disturb waits until morning", "loyalty_app", "2026-11-24T23:59:00.000Z", "2026-11-25T08:00:00.000Z"],
    ["sms after do-not-disturb but before the window waits for the window", "retention_sms", "2026-11-25T08:30:00.000Z", "2026-11-25T09:00:00.000Z"],
    ["call inside both windows goes now", "service_call_back", "2026-11-25T12:15:00.000Z", "2026-11-25T12:15:00.000Z"],
    ["call after the window but before do-not-disturb waits for tomorrow's window", "service_call_back", "2026-11-25T20:30:00.000Z", "2026-11-26T09:00:00.000Z"],
    ["mail has no contact time", "family_plan", "2026-11-24T23:30:00.000Z", "2026-11-24T23:30:00.000Z"],
  ])("%s", (_title, key, now, expected) => {
    const c = at(now, {}, key);
    expect(c.isCompliant).toBe(true);
    expect(c.nextContactAt).toBe(expected);
  });

  test.each([
    ["wrapping window, before it opens", "2026-11-24T20:00:00.000Z", "2026-11-24T22:00:00.000Z"],
    ["wrapping window, after midnight inside it", "2026-11-25T01:30:00.000Z", "2026-11-25T01:30:00.000Z"],
    ["wrapping window, after it closed", "2026-11-25T03:00:00.000Z", "2026-11-25T22:00:00.000Z"],
  ])("contact window across midnight: %s", (_title, now, expected) => {
    const c = at(now, { contactWindowStart: "22:00", contactWindowEnd: "02:00", dndStart: null, dndEnd: null }, "retention_sms");
    expect(c.nextContactAt).toBe(expected);
  });

  test.each([
    ["New York evening waits for the next morning there", "America/New_York", "2026-11-24T22:30:00.000Z", "2026-11-25T14:00:00.000Z", "2026-11-25 09:00 America/New_York"],
    ["Tokyo morning inside the window goes now", "Asia/Tokyo", "2026-11-24T01:30:00.000Z", "2026-11-24T01:30:00.000Z", "2026-11-24 10:30 Asia/Tokyo"],
    ["London across the spring clock change opens at 09:00 summer time", "Europe/London", "2026-03-28T22:30:00.000Z", "2026-03-29T08:00:00.000Z", "2026-03-29 09:00 Europe/London"],
  ])("another time zone: %s", (_title, timeZone, now, expected, local) => {
    const c = at(now, { timeZone, contactWindowStart: "09:00", contactWindowEnd: "17:00", dndStart: "21:00", dndEnd: "08:00" }, "service_call_back");
    expect(c.nextContactAt).toBe(expected);
    expect(c.statement).toContain(`first allowed contact ${local}`);
  });

  test("a contact window entirely inside do-not-disturb leaves no time to call", () => {
    const c = at(FIXED_NOW, { contactWindowStart: "09:00", contactWindowEnd: "17:00", dndStart: "08:00", dndEnd: "20:00" }, "service_call_back");
    expect(c.isCompliant).toBe(false);
    expect(c.problems).toEqual(["no time of day is inside the contact window 09:00–17:00 and outside do-not-disturb 08:00–20:00"]);
  });

  test("the same preferences still allow email outside do-not-disturb", () => {
    const c = at(FIXED_NOW, { contactWindowStart: "09:00", contactWindowEnd: "17:00", dndStart: "08:00", dndEnd: "20:00" }, "retention_email");
    expect(c.isCompliant).toBe(true);
    expect(c.nextContactAt).toBe(FIXED_NOW);
  });

  test("a missing contact window leaves only do-not-disturb for calls", () => {
    const c = at("2026-11-25T08:10:00.000Z", { contactWindowStart: null, contactWindowEnd: null }, "service_call_back");
    expect(c.nextContactAt).toBe("2026-11-25T08:10:00.000Z");
    expect(c.statement).toContain("no contact window recorded");
  });

  test("no preferences at all: no timing restriction, profile language", () => {
    const c = at(FIXED_NOW, null, "retention_sms");
    expect(c.isCompliant).toBe(true);
    expect(c.nextContactAt).toBe(FIXED_NOW);
    expect(c.language).toBe("cy");
    expect(c.statement).toContain("no contact window or do-not-disturb recorded");
  });

  test.each([
    ["an unknown time zone", { timeZone: "Mars/Olympus" }, "time zone 'Mars/Olympus' is not a known time zone"],
    ["a malformed window time", { contactWindowStart: "25:00" }, "contact window start '25:00' is not a valid HH:MM time"],
    ["a malformed do-not-disturb time", { dndEnd: "8am" }, "do-not-disturb end '8am' is not a valid HH:MM time"],
  ])("refuses %s", (_title, preferences, problem) => {
    const c = at(FIXED_NOW, preferences, "retention_sms");
    expect(c.isCompliant).toBe(false);
    expect(c.problems).toEqual([problem]);
  });
});

describe("language", () => {
  test.each([
    ["the preferred language wins over the profile", { preferredLanguage: "cy" }, "en", "cy", "in Welsh (cy)"],
    ["a blank preference falls back to the profile", { preferredLanguage: " " }, "pl", "pl", "in Polish (pl)"],
    ["an unknown code is shown as is", { preferredLanguage: "zz" }, "en", "zz", "in zz."],
  ])("%s", (_title, preferences, profileLanguage, language, phrase) => {
    const context = makeContext({ customer: makeProfile({ language: profileLanguage }), permissions: makePermissions({ preferences }) });
    const c = checkCompliance({ treatmentKey: "loyalty_app", catalog: testCatalog, ...context });
    expect(c.language).toBe(language);
    expect(c.statement).toContain(phrase);
  });
});
