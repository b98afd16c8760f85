// Seeded consent per channel and contact preferences (contact window, do-not-disturb, language).
import type { ChannelPermission, ContactPreferences } from "../../lib/agents/domain";
import type { Channel } from "../../lib/generated/prisma/enums";
import { DAY_MS, FACET, HOUR_MS, type SeedContext } from "./context";
import type { CustomerSegment, SeedCustomer } from "./customers";
import { createRng, mixSeed } from "./random";
import type { Weighted } from "./vocabulary";

/** Share of customers with no contact permission rows and no preference at all. */
export const NO_CONTACT_RECORD_SHARE = 0.03;

/** A channel's consent as the agents read it, with when it was recorded. */
export type SeedPermission = ChannelPermission & { updatedAt: Date };

/** Contact preferences as the agents read them, with when they were recorded. */
export type SeedPreference = ContactPreferences & { updatedAt: Date };

export type SeedContact = { permissions: SeedPermission[]; preference: SeedPreference | null };

const marketingShare: Record<CustomerSegment, Record<Channel, number>> = {
  consumer: { email: 0.82, sms: 0.72, call: 0.33, push: 0.62, mail: 0.4 },
  family: { email: 0.82, sms: 0.72, call: 0.35, push: 0.62, mail: 0.45 },
  youth: { email: 0.7, sms: 0.78, call: 0.15, push: 0.8, mail: 0.2 },
  senior: { email: 0.6, sms: 0.6, call: 0.45, push: 0.4, mail: 0.65 },
  small_business: { email: 0.85, sms: 0.6, call: 0.4, push: 0.45, mail: 0.5 },
};
const serviceShare: Record<Channel, number> = { email: 0.96, sms: 0.93, call: 0.85, push: 0.88, mail: 0.7 };
const billingShare: Record<Channel, number> = { email: 0.95, sms: 0.75, call: 0.6, push: 0.5, mail: 0.55 };

const contactWindows: Weighted<readonly [string, string] | null> = [
  [["09:00", "20:00"], 45],
  [["10:00", "18:00"], 15],
  [["08:00", "21:00"], 10],
  [["17:00", "20:00"], 10],
  [["12:00", "14:00"], 5],
  [null, 15],
];
const dndWindows: Weighted<readonly [string, string]> = [
  [["21:00", "08:00"], 35],
  [["22:00", "08:00"], 30],
  [["22:00", "07:00"], 15],
  [["20:00", "09:00"], 10],
  [["23:00", "09:00"], 10],
];

/** Consent per channel and contact preferences of `customer`; pure in (ctx, customer.index). */
export function generateContact(ctx: SeedContext, customer: SeedCustomer): SeedContact {
  const rng = createRng(mixSeed(ctx.seed, customer.index, FACET.contact));
  if (rng.chance(NO_CONTACT_RECORD_SHARE)) return { permissions: [], preference: null };
  const anchorMs = ctx.anchor.getTime();
  const recordedAt = new Date(Math.floor((anchorMs - rng.int(1, 720) * DAY_MS - rng.int(0, 23) * HOUR_MS) / 1000) * 1000);
  const isOptedOutOfMarketing = rng.chance(0.07);
  // A channel row exists only where the customer can be reached that way: push needs the app.
  const channels: Channel[] = customer.attributes.hasApp ? ["email", "sms", "call", "push", "mail"] : ["email", "sms", "call", "mail"];
  const share = marketingShare[customer.segment];
  const permissions = channels.map((channel) => ({
    channel,
    marketing: !isOptedOutOfMarketing && rng.chance(share[channel]),
    serviceUpdates: rng.chance(serviceShare[channel]),
    billing: rng.chance(billingShare[channel]),
    updatedAt: recordedAt,
  }));
  const window = rng.weighted(contactWindows);
  const hasDnd = rng.chance(customer.segment === "senior" ? 0.8 : 0.6);
  const dnd = hasDnd ? (customer.segment === "senior" ? (["20:00", "09:00"] as const) : rng.weighted(dndWindows)) : null;
  const preferredLanguage = customer.language !== "en" && rng.chance(0.2) ? "en" : customer.language;
  return {
    permissions,
    preference: {
      preferredLanguage,
      contactWindowStart: window?.[0] ?? null,
      contactWindowEnd: window?.[1] ?? null,
      dndStart: dnd?.[0] ?? null,
      dndEnd: dnd?.[1] ?? null,
      timeZone: "Europe/London",
      updatedAt: recordedAt,
    },
  };
}
