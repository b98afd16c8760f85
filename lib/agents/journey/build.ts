// Builds a journey from a customer's data: events in time order, duplicates removed, months counted.
import type { CustomerData, EventType, Journey, JourneyEvent, JourneyMonth, PriorContact } from "../domain";
import { monthIndexOf, monthKey } from "./text";

/**
 * Our own earlier decisions enter the journey as campaign contacts marked with this origin, so the
 * analysis sees when we last reached the customer; campaign response counts leave them out.
 */
export const DECISION_ORIGIN = "cvm_decision";

/**
 * Decision statuses that mean we contacted the customer: a reviewer approved or overrode it. One
 * waiting for review is not yet a contact (a new decision replaces it), nor is a rejected,
 * superseded or failed one. Data sources load only these, so they cannot crowd real contacts out.
 */
export const CONTACT_STATUSES = ["approved", "overridden"] as const;
const isContactStatus = (status: string) => (CONTACT_STATUSES as readonly string[]).includes(status);

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function decisionEvent(contact: PriorContact, index: number): JourneyEvent | null {
  if (!isContactStatus(contact.status) || contact.treatmentKey.trim() === "") return null;
  return {
    id: `decision-${index + 1}`,
    type: "campaign_contact",
    occurredAt: contact.decidedAt,
    summary: `Treatment ${contact.treatmentKey} decided (${contact.status.replace(/_/g, " ")})`,
    attributes: { origin: DECISION_ORIGIN, treatmentKey: contact.treatmentKey, status: contact.status },
  };
}

function codePointCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares by time, then type and id, so equal times still order the same on every run. */
export function compareEvents(a: { at: number; event: JourneyEvent }, b: { at: number; event: JourneyEvent }): number {
  // Code-point order on ties: the same on every machine and locale, and far cheaper than collation.
  return a.at - b.at || codePointCompare(a.event.type, b.event.type) || codePointCompare(a.event.id, b.event.id);
}

/**
 * The journey of `data`: events (with our prior contact decisions) in time order, exact duplicates
 * (same type, time, summary and attributes) dropped and counted, grouped by UTC month.
 * Events whose time does not parse cannot be placed and are left out.
 */
export function buildJourney(data: CustomerData): Journey {
  const decisions = data.priorContacts.map(decisionEvent).filter((e): e is JourneyEvent => e !== null);
  const dated = [...data.events, ...decisions]
    .map((event) => ({ event, at: Date.parse(event.occurredAt) }))
    .filter((x) => Number.isFinite(x.at))
    .sort(compareEvents);

  // Events that share type, time and summary are rare, so attributes are only serialised for them.
  const seen = new Map<string, string[]>();
  const events: JourneyEvent[] = [];
  const months = new Map<number, JourneyMonth>();
  let duplicatesRemoved = 0;
  const attributesOf = (e: JourneyEvent) => stableStringify(e.attributes);
  const firstByKey = new Map<string, JourneyEvent>();
  for (const { event, at } of dated) {
    const occurredAt = new Date(at).toISOString();
    const key = `${event.type}\u0000${occurredAt}\u0000${event.summary}`;
    const first = firstByKey.get(key);
    if (first) {
      let variants = seen.get(key);
      if (!variants) {
        variants = [attributesOf(first)];
        seen.set(key, variants);
      }
      const attrs = attributesOf(event);
      if (variants.includes(attrs)) {
        duplicatesRemoved += 1;
        continue;
      }
      variants.push(attrs);
    } else {
      firstByKey.set(key, event);
    }
    events.push(event.occurredAt === occurredAt ? event : { ...event, occurredAt });
    const index = monthIndexOf(at);
    const month = months.get(index) ?? { month: monthKey(index), eventCount: 0, byType: {} };
    month.eventCount += 1;
    month.byType[event.type as EventType] = (month.byType[event.type] ?? 0) + 1;
    months.set(index, month);
  }

  return {
    customerId: data.profile.id,
    events,
    months: [...months.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m),
    firstEventAt: events[0]?.occurredAt ?? null,
    lastEventAt: events.at(-1)?.occurredAt ?? null,
    duplicatesRemoved,
  };
}
