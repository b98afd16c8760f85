// A seeded journey in the making: the customer's event stream, its time window, and the helpers
// every kind of event uses to place itself in time.
import type { EventType } from "../../../lib/generated/prisma/enums";
import { DAY_MS, FACET, HOUR_MS, type SeedContext } from "../context";
import type { SeedCustomer } from "../customers";
import { createRng, mixSeed } from "../random";
import type { Rng } from "../random";

export type SeedEvent = {
  type: EventType;
  occurredAt: Date;
  summary: string;
  attributes: Record<string, unknown>;
};

export const gbp = (amount: number) => `£${amount.toFixed(2)}`;
export const monthLabel = (ms: number) => new Date(ms).toISOString().slice(0, 7);

export type Journey = {
  rng: Rng;
  customer: SeedCustomer;
  events: SeedEvent[];
  anchorMs: number;
  windowStartMs: number;
  add: (type: EventType, atMs: number, summary: string, attributes: Record<string, unknown>) => void;
  /** A time in [fromMs, toMs) during waking hours where the range allows. */
  timeBetween: (fromMs: number, toMs: number) => number;
  /** A time within the last `months` months (never before the history starts). */
  recent: (months: number) => number;
  anytime: () => number;
};

export function addMonthsUtc(ms: number, months: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
}

export function startJourney(ctx: SeedContext, customer: SeedCustomer): Journey {
  const rng = createRng(mixSeed(ctx.seed, customer.index, FACET.events));
  const anchorMs = ctx.anchor.getTime();
  const windowStartMs = addMonthsUtc(anchorMs, -customer.historyMonths);
  const events: SeedEvent[] = [];
  const timeBetween = (fromMs: number, toMs: number) => {
    const raw = fromMs + Math.floor(rng.next() * Math.max(1, toMs - fromMs));
    const day = Math.floor(raw / DAY_MS) * DAY_MS;
    const daytime = day + rng.int(8, 20) * HOUR_MS + rng.int(0, 3599) * 1000;
    const at = daytime >= fromMs && daytime < toMs ? daytime : raw;
    return Math.floor(at / 1000) * 1000;
  };
  return {
    rng,
    customer,
    events,
    anchorMs,
    windowStartMs,
    add: (type, atMs, summary, attributes) => events.push({ type, occurredAt: new Date(atMs), summary, attributes }),
    timeBetween,
    recent: (months) => timeBetween(Math.max(windowStartMs, addMonthsUtc(anchorMs, -months)), anchorMs),
    anytime: () => timeBetween(windowStartMs, anchorMs),
  };
}
