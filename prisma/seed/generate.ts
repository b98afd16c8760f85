// Pure generators for the demo base: a customer's profile, contact permissions and journey are
// functions of (seed, anchor date, customer index) only, so any customer can be regenerated alone
// and the same inputs always give the same rows.
import { generateContact, type SeedContact } from "./contact";
import type { SeedContext } from "./context";
import { generateCustomer, type SeedCustomer } from "./customers";
import { generateEvents } from "./journey/events";
import type { SeedEvent } from "./journey/journey";

export type SeedBundle = { customer: SeedCustomer; contact: SeedContact; events: SeedEvent[] };

/** Everything seeded for customer `index`: profile, consent and journey. */
export function generateBundle(ctx: SeedContext, index: number): SeedBundle {
  const customer = generateCustomer(ctx, index);
  const contact = generateContact(ctx, customer);
  return { customer, contact, events: generateEvents(ctx, customer, contact) };
}
