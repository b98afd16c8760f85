import { describe, expect, test } from "vitest";
import type { Channel } from "../domain";
import { testCatalog } from "../treatment/testing/fixtures";
import type { ContactEvent } from "./contact-history";
import { type ContactPolicy, DEFAULT_CONTACT_POLICY, checkContactPolicy, contactPolicyRefusals, contactPolicySchema, describeContactPolicy } from "./contact-policy";

const DAY_MS = 86_400_000;
/** Noon on 31 Dec 2026 in London (GMT, so UTC days are UK days). */
const NOW = "2026-12-31T12:00:00.000Z";
const nowMs = Date.parse(NOW);
const daysAgo = (days: number) => new Date(nowMs - days * DAY_MS).toISOString();

const treatment = (key: string) => testCatalog.find((t) => t.key === key)!;

function contact(kind: ContactEvent["kind"], ago: number, opts: { channel?: Channel | null; treatmentKey?: string; goal?: string } = {}): ContactEvent {
  const t = opts.treatmentKey ? treatment(opts.treatmentKey) : undefined;
  return { kind, at: daysAgo(ago), channel: opts.channel === undefined ? (t?.channel ?? null) : opts.channel, treatmentKey: t?.key ?? null, goal: opts.goal ?? t?.goal ?? null, label: t?.name ?? "campaign" };
}

/** Only the rules a test names are on. */
const NONE: ContactPolicy = { channelLimits: {}, overallLimit: null, approvalCooldownDays: null, declineCooldownDays: null, goalSuppression: null };

function refusals(policy: Partial<ContactPolicy>, history: ContactEvent[], key: string, now = NOW) {
  return contactPolicyRefusals({ policy: { ...NONE, ...policy }, history, treatment: treatment(key), now });
}

describe("per channel limit", () => {
  const sms = { channelLimits: DEFAULT_CONTACT_POLICY.channelLimits };
  test.each<[string, ContactEvent[], string, string | null]>([
    ["allows the 1st SMS in 7 days", [], "data_boost", null],
    ["allows the 2nd SMS in 7 days", [contact("campaign", 3, { channel: "sms" })], "data_boost", null],
    [
      "refuses the 3rd SMS in 7 days",
      [contact("campaign", 6, { channel: "sms" }), contact("approved", 3, { treatmentKey: "retention_sms" })],
      "data_boost",
      "the 7-day SMS limit of 2 was reached on 28 Dec; no SMS until 1 Jan",
    ],
    ["allows a 3rd SMS once the oldest is exactly 7 days old", [contact("campaign", 7, { channel: "sms" }), contact("approved", 3, { treatmentKey: "retention_sms" })], "data_boost", null],
    ["refuses the 2nd call 13 days after the 1st", [contact("approved", 13, { treatmentKey: "service_call_back" })], "marketing_call_back", "the 14-day call limit of 1 was reached on 18 Dec; no calls until 1 Jan"],
    ["allows the 2nd call 14 days after the 1st", [contact("approved", 14, { treatmentKey: "service_call_back" })], "marketing_call_back", null],
    ["allows the 3rd email in 7 days", [contact("campaign", 1, { channel: "email" }), contact("campaign", 2, { channel: "email" })], "retention_email", null],
    ["refuses the 4th email in 7 days", [contact("campaign", 1, { channel: "email" }), contact("campaign", 2, { channel: "email" }), contact("campaign", 3, { channel: "email" })], "retention_email", "the 7-day email limit of 3 was reached on 30 Dec; no emails until 4 Jan"],
    ["counts only the treatment's channel", [contact("campaign", 1, { channel: "email" }), contact("campaign", 2, { channel: "email" })], "data_boost", null],
    ["does not count a planned contact", [contact("planned", 1, { treatmentKey: "retention_sms" }), contact("planned", 2, { treatmentKey: "service_sms" })], "data_boost", null],
    ["does not count a contact after now", [contact("approved", -1, { treatmentKey: "retention_sms" }), contact("approved", -2, { treatmentKey: "service_sms" })], "data_boost", null],
    ["has no limit on a channel without one", [contact("campaign", 1, { channel: "push" }), contact("campaign", 2, { channel: "push" })], "loyalty_app", null],
  ])("%s", (_title, history, key, message) => {
    const found = refusals(sms, history, key);
    expect(found.map((r) => r.message)).toEqual(message ? [message] : []);
    if (message) expect(found[0]?.rule).toBe("channel_limit");
  });

  test("is lifted when the oldest counted contact ages out of the window", () => {
    const history = [contact("campaign", 6, { channel: "sms" }), contact("campaign", 3, { channel: "sms" })];
    const [refusal] = refusals(sms, history, "data_boost");
    expect(refusal?.until).toBe(new Date(nowMs + DAY_MS).toISOString());
    expect(refusals(sms, history, "data_boost", refusal!.until)).toEqual([]);
  });
});

describe("limit on all channels", () => {
  const overall = { overallLimit: { maxContacts: 4, windowDays: 7 } };
  const three = [contact("campaign", 1, { channel: "email" }), contact("campaign", 2, { channel: "sms" }), contact("approved", 3, { treatmentKey: "loyalty_app" })];
  test.each<[string, ContactEvent[], boolean]>([
    ["allows the 4th contact in 7 days", three, false],
    ["refuses the 5th contact in 7 days", [...three, contact("campaign", 6, { channel: null })], true],
    ["allows the 5th when the oldest is 7 days old", [...three, contact("campaign", 7, { channel: null })], false],
  ])("%s", (_title, history, isRefused) => {
    const found = refusals(overall, history, "data_boost");
    expect(found.length > 0).toBe(isRefused);
    if (isRefused) expect(found[0]).toMatchObject({ rule: "overall_limit", message: "the 7-day limit of 4 contacts on all channels was reached on 30 Dec; no contact until 1 Jan" });
  });
});

describe("cooldown after an approval", () => {
  test.each<[string, ContactEvent["kind"], number, string | null]>([
    ["refuses on day 29 of a 30-day cooldown", "approved", 29, "cooldown until 1 Jan after an approval on 2 Dec (30-day wait between approvals)"],
    ["allows on day 30 of a 30-day cooldown", "approved", 30, null],
    ["allows on day 31 of a 30-day cooldown", "approved", 31, null],
    ["refuses right after an approval", "approved", 0.01, "cooldown until 30 Jan after an approval on 31 Dec (30-day wait between approvals)"],
    ["counts an override like an approval", "overridden", 10, "cooldown until 20 Jan after an override on 21 Dec (30-day wait between approvals)"],
    ["does not start with a planned contact", "planned", 1, null],
  ])("%s", (_title, kind, ago, message) => {
    const found = refusals({ approvalCooldownDays: 30 }, [contact(kind, ago, { treatmentKey: "data_boost" })], "data_boost");
    expect(found.map((r) => r.message)).toEqual(message ? [message] : []);
  });

  test("holds for the same treatment only", () => {
    expect(refusals({ approvalCooldownDays: 30 }, [contact("approved", 1, { treatmentKey: "data_boost" })], "loyalty_points")).toEqual([]);
  });
});

describe("wait after a decline", () => {
  test.each<[string, number, string | null]>([
    ["refuses on day 89 of a 90-day wait", 89, "declined on 3 Oct: not offered again until 1 Jan (90-day wait after a decline)"],
    ["allows on day 90 of a 90-day wait", 90, null],
  ])("%s", (_title, ago, message) => {
    const found = refusals({ declineCooldownDays: 90 }, [contact("declined", ago, { treatmentKey: "retention_sms" })], "retention_sms");
    expect(found.map((r) => r.message)).toEqual(message ? [message] : []);
    if (message) expect(found[0]?.rule).toBe("decline_cooldown");
  });

  test("an ignored offer is no decline", () => {
    expect(refusals({ declineCooldownDays: 90 }, [contact("ignored", 1, { treatmentKey: "retention_sms" })], "retention_sms")).toEqual([]);
  });
});

describe("goal paused after declines and ignores", () => {
  const suppression = { goalSuppression: { maxNegative: 2, windowDays: 30, pauseDays: 60 } };
  const engagement = (kind: ContactEvent["kind"], ago: number) => contact(kind, ago, { treatmentKey: "loyalty_points" });
  test.each<[string, ContactEvent[], string | null]>([
    ["allows after 1 decline", [engagement("declined", 5)], null],
    ["pauses the goal after 2 declines within 30 days", [engagement("declined", 20), engagement("declined", 5)], "engagement offers paused until 24 Feb after 2 declines within 30 days (the last on 26 Dec)"],
    ["counts an ignore like a decline", [engagement("ignored", 20), engagement("declined", 5)], "engagement offers paused until 24 Feb after 1 decline and 1 ignored offer within 30 days (the last on 26 Dec)"],
    ["does not pause for 2 declines 30 days apart", [engagement("declined", 35), engagement("declined", 5)], null],
    ["still pauses on day 59 of a 60-day pause", [engagement("declined", 70), engagement("declined", 59)], "engagement offers paused until 1 Jan after 2 declines within 30 days (the last on 2 Nov)"],
    ["lifts the pause on day 60", [engagement("declined", 70), engagement("declined", 60)], null],
    ["does not count an acceptance", [engagement("accepted", 20), engagement("declined", 5)], null],
    ["does not pause another goal", [contact("declined", 20, { treatmentKey: "retention_email" }), contact("declined", 5, { treatmentKey: "retention_email" })], null],
  ])("%s", (_title, history, message) => {
    const found = refusals(suppression, history, "data_boost");
    expect(found.map((r) => r.message)).toEqual(message ? [message] : []);
    if (message) expect(found[0]?.rule).toBe("goal_paused");
  });
});

describe("the whole policy", () => {
  test("never refuses no action", () => {
    const history = Array.from({ length: 10 }, (_, i) => contact("approved", i, { treatmentKey: "data_boost" }));
    expect(refusals(DEFAULT_CONTACT_POLICY, history, "ignore")).toEqual([]);
  });

  test("a rule switched off refuses nothing", () => {
    const history = Array.from({ length: 10 }, (_, i) => contact("declined", i, { treatmentKey: "data_boost" }));
    expect(refusals(NONE, history, "data_boost")).toEqual([]);
  });

  test("names the refusal that lasts longest", () => {
    const history = [contact("approved", 3, { treatmentKey: "data_boost" }), contact("campaign", 2, { channel: "sms" })];
    const found = contactPolicyRefusals({ policy: DEFAULT_CONTACT_POLICY, history, treatment: treatment("data_boost"), now: NOW });
    expect(found.map((r) => r.rule)).toEqual(["approval_cooldown", "channel_limit"]);
    expect(checkContactPolicy({ policy: DEFAULT_CONTACT_POLICY, history, treatment: treatment("data_boost"), now: NOW })?.rule).toBe("approval_cooldown");
  });

  test("a second run right after an approval refuses the approved treatment", () => {
    const history = [contact("approved", 12 / (24 * 60), { treatmentKey: "data_boost" })];
    const refusal = checkContactPolicy({ policy: DEFAULT_CONTACT_POLICY, history, treatment: treatment("data_boost"), now: NOW });
    expect(refusal).toMatchObject({ rule: "approval_cooldown", message: "cooldown until 30 Jan after an approval on 31 Dec (30-day wait between approvals)" });
  });

  test.each<[string, unknown, boolean]>([
    ["accepts the defaults", DEFAULT_CONTACT_POLICY, true],
    ["accepts every rule switched off", NONE, true],
    ["refuses a limit of 0 contacts", { ...NONE, overallLimit: { maxContacts: 0, windowDays: 7 } }, false],
    ["refuses a window of 366 days", { ...NONE, channelLimits: { sms: { maxContacts: 2, windowDays: 366 } } }, false],
    ["refuses a fraction of a day", { ...NONE, approvalCooldownDays: 1.5 }, false],
    ["refuses an unknown channel", { ...NONE, channelLimits: { fax: { maxContacts: 1, windowDays: 7 } } }, false],
  ])("the policy schema %s", (_title, policy, isValid) => {
    expect(contactPolicySchema.safeParse(policy).success).toBe(isValid);
  });

  test("describes itself in sentences", () => {
    expect(describeContactPolicy(DEFAULT_CONTACT_POLICY)).toEqual([
      "at most 3 emails in 7 days",
      "at most 2 SMS in 7 days",
      "at most 1 call in 14 days",
      "at most 4 contacts on all channels in 7 days",
      "a treatment is not repeated within 30 days of its approval",
      "a treatment is not offered within 90 days of the customer declining it",
      "after 2 declines or ignores of one goal within 30 days, that goal pauses for 60 days",
    ]);
  });
});
