// Every contact a customer had or has planned with us, and every answer they gave, read in one
// place from the customer's data: the contact policy, the why-not list and the customer page all
// count the same events. Outcome capture writes its answers as journey events, so they arrive here
// the same way the seeded and imported ones do.
import type { Channel, CustomerData, JourneyEvent, TreatmentDefinition } from "../domain";
import { channels } from "../domain";
import { readLabel, readString } from "../journey/attributes";
import { DECISION_ORIGIN } from "../journey/build";

/**
 * - `approved`, `overridden`: a decision of ours a reviewer sent; a contact from the review time.
 * - `planned`: a decision waiting for review; not a contact yet.
 * - `campaign`: a campaign contact from the journey data; a contact.
 * - `accepted`, `declined`, `ignored`: the customer's answer to an offer or contact.
 */
export const contactEventKinds = ["approved", "overridden", "planned", "campaign", "accepted", "declined", "ignored"] as const;
export type ContactEventKind = (typeof contactEventKinds)[number];

/** One dated entry of a customer's contact history; plain JSON. */
export type ContactEvent = {
  kind: ContactEventKind;
  /** ISO time: the review for a decision, the contact for a campaign, the answer for a response. */
  at: string;
  /** Null when the source does not say (an offer made in a shop, a response without its contact). */
  channel: Channel | null;
  /** The catalog treatment it concerns, when known. */
  treatmentKey: string | null;
  /** The treatment's goal (retention, engagement…), when known. */
  goal: string | null;
  /** What it was, for people: "Data boost", "campaign Refer a Friend", "discount offer". */
  label: string;
};

/** A contact that reached the customer: the frequency limits count these, never a planned one. */
export function isContactMade(event: ContactEvent): boolean {
  return event.kind === "approved" || event.kind === "overridden" || event.kind === "campaign";
}

/** An answer that counts against a goal: the customer said no, or did not answer. */
export function isNegativeResponse(event: ContactEvent): boolean {
  return event.kind === "declined" || event.kind === "ignored";
}

/**
 * The goal an offer from the journey data served, for offers that name no catalog treatment: a
 * discount is there to keep the customer, a bundle or credit to keep them engaged, an upgrade to
 * sell more. Types not listed carry no goal, so they pause nothing.
 */
export const OFFER_GOALS: Readonly<Record<string, string>> = {
  discount: "retention",
  loyalty_credit: "engagement",
  data_bundle: "engagement",
  device_upgrade: "upsell",
  plan_upgrade: "upsell",
};

const RESPONSES: Readonly<Record<string, "accepted" | "declined" | "ignored">> = {
  accepted: "accepted",
  converted: "accepted",
  declined: "declined",
  rejected: "declined",
  refused: "declined",
  ignored: "ignored",
  no_response: "ignored",
  expired: "ignored",
};

const CHANNEL_SET = new Set<string>(channels);

function channelOf(value: string | null): Channel | null {
  return value !== null && CHANNEL_SET.has(value) ? (value as Channel) : null;
}

type CatalogView = Pick<TreatmentDefinition, "key" | "name" | "channel" | "goal">;

function decisionKind(status: string): ContactEventKind | null {
  if (status === "approved" || status === "overridden") return status;
  if (status === "pending_review" || status === "pending") return "planned";
  return null;
}

function canonicalTime(value: string | null): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function campaignEvents(event: JourneyEvent, byKey: ReadonlyMap<string, CatalogView>): ContactEvent[] {
  const a = event.attributes;
  const at = canonicalTime(event.occurredAt);
  if (at === null) return [];
  const response = RESPONSES[readLabel(a, "response") ?? ""];
  const respondedAt = canonicalTime(readString(a, "respondedAt")) ?? at;
  if (a.origin === DECISION_ORIGIN) {
    // Our own decision, sent back with the customer's answer: the contact itself is already in
    // the decisions, so only the answer is new.
    const treatment = byKey.get(readString(a, "treatmentKey") ?? "");
    if (!response || !treatment) return [];
    return [{ kind: response, at: respondedAt, channel: treatment.channel, treatmentKey: treatment.key, goal: treatment.goal, label: treatment.name }];
  }
  const campaign = readString(a, "campaign");
  const treatment = byKey.get(readString(a, "treatmentKey") ?? "");
  const label = treatment?.name ?? (campaign ? `campaign ${campaign}` : "campaign contact");
  const base = { channel: channelOf(readLabel(a, "channel")) ?? treatment?.channel ?? null, treatmentKey: treatment?.key ?? null, goal: treatment?.goal ?? readLabel(a, "goal"), label };
  const out: ContactEvent[] = [{ kind: "campaign", at, ...base }];
  if (response) out.push({ kind: response, at: respondedAt, ...base });
  return out;
}

function offerEvent(event: JourneyEvent, byKey: ReadonlyMap<string, CatalogView>): ContactEvent | null {
  const a = event.attributes;
  const response = RESPONSES[readLabel(a, "outcome") ?? ""];
  if (!response) return null;
  const at = canonicalTime(readString(a, "decidedAt")) ?? canonicalTime(event.occurredAt);
  if (at === null) return null;
  const treatment = byKey.get(readString(a, "treatmentKey") ?? "");
  if (treatment) return { kind: response, at, channel: treatment.channel, treatmentKey: treatment.key, goal: treatment.goal, label: treatment.name };
  const offerType = readLabel(a, "offerType");
  return {
    kind: response,
    at,
    channel: channelOf(readLabel(a, "channel")),
    treatmentKey: null,
    goal: OFFER_GOALS[offerType ?? ""] ?? null,
    label: offerType ? `${offerType.replaceAll("_", " ")} offer` : "offer",
  };
}

/**
 * The contact history of one customer, oldest first: our decisions (approved, overridden and
 * pending, each with its treatment's channel and goal from `catalog`) with the outcomes recorded
 * for them, the journey's campaign contacts, and the customer's answers to offers and contacts. Entries whose time does not parse
 * are left out; a decision whose treatment is no longer in `catalog` keeps its key without channel.
 */
export function contactHistoryOf(data: Pick<CustomerData, "events" | "priorContacts">, catalog: readonly CatalogView[]): ContactEvent[] {
  const byKey = new Map(catalog.map((t) => [t.key, t]));
  const out: ContactEvent[] = [];
  for (const contact of data.priorContacts) {
    const kind = decisionKind(contact.status);
    const at = canonicalTime(contact.decidedAt);
    if (kind === null || at === null || contact.treatmentKey.trim() === "") continue;
    const treatment = byKey.get(contact.treatmentKey);
    if (treatment?.channel === null) continue;
    const channel = contact.channel ?? treatment?.channel ?? null;
    const base = { channel, treatmentKey: contact.treatmentKey, goal: treatment?.goal ?? null, label: treatment?.name ?? contact.treatmentKey };
    out.push({ kind, at, ...base });
    // A recorded outcome is the customer's answer to this very contact.
    const respondedAt = canonicalTime(contact.respondedAt ?? null);
    if (contact.response && RESPONSES[contact.response]) out.push({ kind: RESPONSES[contact.response]!, at: respondedAt ?? at, ...base });
  }
  for (const event of data.events) {
    if (event.type === "campaign_contact") out.push(...campaignEvents(event, byKey));
    else if (event.type === "offer") {
      const offer = offerEvent(event, byKey);
      if (offer) out.push(offer);
    }
  }
  // ISO strings of one shape sort as times.
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
