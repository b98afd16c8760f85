import { describe, expect, test } from "vitest";
import type { JourneyEvent, PriorContact } from "../domain";
import { testCatalog } from "../treatment/testing/fixtures";
import { type ContactEvent, contactHistoryOf, isContactMade, isNegativeResponse } from "./contact-history";

function event(type: JourneyEvent["type"], occurredAt: string, attributes: Record<string, unknown>): JourneyEvent {
  return { id: `${type}-${occurredAt}`, type, occurredAt, summary: type, attributes };
}

function historyOf(opts: { priorContacts?: PriorContact[]; events?: JourneyEvent[] }): ContactEvent[] {
  return contactHistoryOf({ priorContacts: opts.priorContacts ?? [], events: opts.events ?? [] }, testCatalog);
}

describe("decisions", () => {
  test.each<[string, string, ContactEvent["kind"] | null]>([
    ["an approved decision is a contact", "approved", "approved"],
    ["an overridden decision is a contact", "overridden", "overridden"],
    ["a decision waiting for review is a planned contact", "pending_review", "planned"],
    ["a rejected decision is no contact", "rejected", null],
    ["a superseded decision is no contact", "superseded", null],
    ["a failed decision is no contact", "failed", null],
  ])("%s", (_title, status, kind) => {
    const history = historyOf({ priorContacts: [{ treatmentKey: "data_boost", status, decidedAt: "2026-12-03T10:00:00.000Z" }] });
    if (kind === null) expect(history).toEqual([]);
    else expect(history).toEqual([{ kind, at: "2026-12-03T10:00:00.000Z", channel: "sms", treatmentKey: "data_boost", goal: "engagement", label: "Data boost" }]);
  });

  test.each([
    ["no action is never a contact", "ignore", 0],
    ["a treatment gone from the catalog keeps its key without a channel", "retired_offer", 1],
  ])("%s", (_title, treatmentKey, count) => {
    const history = historyOf({ priorContacts: [{ treatmentKey, status: "approved", decidedAt: "2026-12-03T10:00:00.000Z" }] });
    expect(history).toHaveLength(count);
    if (count === 1) expect(history[0]).toMatchObject({ treatmentKey, channel: null, goal: null, label: treatmentKey });
  });

  test.each<[string, PriorContact, ContactEvent["kind"][]]>([
    ["a recorded decline follows the contact", { treatmentKey: "data_boost", status: "approved", decidedAt: "2026-12-03T10:00:00.000Z", response: "declined", respondedAt: "2026-12-05T10:00:00.000Z" }, ["approved", "declined"]],
    ["a recorded ignore follows the contact", { treatmentKey: "data_boost", status: "overridden", decidedAt: "2026-12-03T10:00:00.000Z", response: "ignored", respondedAt: "2026-12-10T10:00:00.000Z" }, ["overridden", "ignored"]],
    ["an outcome without its time is dated with the decision", { treatmentKey: "data_boost", status: "approved", decidedAt: "2026-12-03T10:00:00.000Z", response: "accepted" }, ["approved", "accepted"]],
  ])("%s", (_title, contact, kinds) => {
    const history = historyOf({ priorContacts: [contact] });
    expect(history.map((h) => h.kind)).toEqual(kinds);
    expect(history[1]).toMatchObject({ treatmentKey: "data_boost", goal: "engagement", channel: "sms", at: contact.respondedAt ?? contact.decidedAt });
  });

  test("the channel a decision was sent on wins over the catalog's", () => {
    const history = historyOf({ priorContacts: [{ treatmentKey: "data_boost", status: "approved", decidedAt: "2026-12-03T10:00:00.000Z", channel: "push" }] });
    expect(history[0]?.channel).toBe("push");
  });
});

describe("journey contacts and responses", () => {
  test.each<[string, JourneyEvent, Partial<ContactEvent>[]]>([
    [
      "a campaign contact on a channel, engaged with",
      event("campaign_contact", "2026-12-01T09:00:00.000Z", { channel: "sms", campaign: "Refer a Friend", response: "opened" }),
      [{ kind: "campaign", channel: "sms", label: "campaign Refer a Friend", treatmentKey: null }],
    ],
    [
      "an ignored campaign contact is a contact and an ignore",
      event("campaign_contact", "2026-12-01T09:00:00.000Z", { channel: "email", campaign: "Refer a Friend", response: "ignored" }),
      [{ kind: "campaign", channel: "email" }, { kind: "ignored", channel: "email" }],
    ],
    [
      "a converted campaign contact is an acceptance",
      event("campaign_contact", "2026-12-01T09:00:00.000Z", { channel: "email", response: "converted" }),
      [{ kind: "campaign" }, { kind: "accepted" }],
    ],
    [
      "our own decision's answer adds the answer only, with the treatment's goal",
      event("campaign_contact", "2026-12-01T09:00:00.000Z", { origin: "cvm_decision", treatmentKey: "data_boost", response: "declined", respondedAt: "2026-12-02T09:00:00.000Z" }),
      [{ kind: "declined", at: "2026-12-02T09:00:00.000Z", treatmentKey: "data_boost", goal: "engagement", channel: "sms" }],
    ],
    [
      "an offer naming a treatment is an answer to that treatment",
      event("offer", "2026-11-01T09:00:00.000Z", { treatmentKey: "retention_sms", outcome: "declined", decidedAt: "2026-11-04T09:00:00.000Z" }),
      [{ kind: "declined", at: "2026-11-04T09:00:00.000Z", treatmentKey: "retention_sms", goal: "winback", channel: "sms" }],
    ],
    [
      "a declined discount counts against retention",
      event("offer", "2026-11-01T09:00:00.000Z", { offerType: "discount", outcome: "declined" }),
      [{ kind: "declined", at: "2026-11-01T09:00:00.000Z", treatmentKey: null, goal: "retention", label: "discount offer" }],
    ],
    ["an offer still pending is no answer yet", event("offer", "2026-11-01T09:00:00.000Z", { offerType: "discount", outcome: "pending" }), []],
    ["an event whose time does not parse is left out", event("campaign_contact", "not a time", { channel: "sms", response: "ignored" }), []],
  ])("%s", (_title, journeyEvent, expected) => {
    const history = historyOf({ events: [journeyEvent] });
    expect(history).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(history[i]).toMatchObject(e));
  });

  test("decisions, campaigns and answers come out oldest first", () => {
    const history = historyOf({
      priorContacts: [{ treatmentKey: "data_boost", status: "approved", decidedAt: "2026-12-03T10:00:00.000Z" }],
      events: [
        event("offer", "2026-12-05T09:00:00.000Z", { offerType: "data_bundle", outcome: "accepted" }),
        event("campaign_contact", "2026-12-01T09:00:00.000Z", { channel: "sms", response: "ignored" }),
      ],
    });
    expect(history.map((h) => h.kind)).toEqual(["campaign", "ignored", "approved", "accepted"]);
  });
});

describe("what counts", () => {
  test.each<[ContactEvent["kind"], boolean, boolean]>([
    ["approved", true, false],
    ["overridden", true, false],
    ["campaign", true, false],
    ["planned", false, false],
    ["accepted", false, false],
    ["declined", false, true],
    ["ignored", false, true],
  ])("%s: a contact made %s, a negative answer %s", (kind, isContact, isNegative) => {
    const e: ContactEvent = { kind, at: "2026-12-01T00:00:00.000Z", channel: "sms", treatmentKey: null, goal: null, label: "x" };
    expect(isContactMade(e)).toBe(isContact);
    expect(isNegativeResponse(e)).toBe(isNegative);
  });
});
