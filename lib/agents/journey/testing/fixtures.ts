// Hand-built customers and journeys for journey-agent tests: events are placed in days before a
// fixed analysis time, so every recency and every date in the evidence is known in advance.
import type { CustomerData, CustomerProfile, EventType, JourneyEvent, PriorContact } from "../../domain";
import { DAY_MS } from "../text";

/** The analysis time of every fixture: noon on Friday 20 November 2026 (UTC). */
export const AS_OF = "2026-11-20T12:00:00.000Z";
const AS_OF_MS = Date.parse(AS_OF);

/** The ISO time `days` days before `AS_OF`. */
export function daysAgo(days: number): string {
  return new Date(AS_OF_MS - days * DAY_MS).toISOString();
}

/** "2026-10-21" for `days` days before `AS_OF`. */
export function dayOf(days: number): string {
  return daysAgo(days).slice(0, 10);
}

let nextId = 1;

export function event(type: EventType, days: number, attributes: Record<string, unknown> = {}, summary = `${type} record`): JourneyEvent {
  return { id: `e${nextId++}`, type, occurredAt: daysAgo(days), summary, attributes };
}

/** One usage and one billing event a month for `months` months, the newest 10 days ago. */
export function monthlyHistory(opts: { months?: number; dataGb?: (k: number) => number; total?: (k: number) => number; extras?: (k: number) => number; allowanceGb?: number }): JourneyEvent[] {
  const months = opts.months ?? 8;
  const out: JourneyEvent[] = [];
  for (let k = months - 1; k >= 0; k--) {
    const days = 10 + k * 30;
    const dataGb = opts.dataGb?.(k) ?? 12;
    const extras = opts.extras?.(k) ?? 0;
    const total = opts.total?.(k) ?? 30 + extras;
    out.push(event("usage", days + 0.2, { dataGb, ...(opts.allowanceGb === undefined ? {} : { allowanceGb: opts.allowanceGb }) }, `Used ${dataGb} GB`));
    out.push(event("billing", days, { monthlyCharge: 30, additionalCharges: extras, total, paymentStatus: "paid" }, `Bill £${total.toFixed(2)}`));
  }
  return out;
}

export function makeProfile(overrides: Partial<CustomerProfile> = {}): CustomerProfile {
  return {
    id: "CUS-TEST",
    name: "Test Customer",
    segment: "consumer",
    plan: "SIM Only 50GB",
    contractType: "one_year",
    tenureMonths: 36,
    monthlyRevenue: 30,
    totalRevenue: 1080,
    valueTier: "medium",
    region: "London",
    language: "en",
    source: "seed",
    attributes: {},
    ...overrides,
  };
}

export function makeCustomer(events: JourneyEvent[], opts: { profile?: Partial<CustomerProfile>; priorContacts?: PriorContact[] } = {}): CustomerData {
  return {
    profile: makeProfile(opts.profile),
    events,
    permissions: { hasRecord: true, channels: [{ channel: "email", marketing: true, serviceUpdates: true, billing: true }], preferences: null },
    priorContacts: opts.priorContacts ?? [],
  };
}
