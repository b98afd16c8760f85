// A seeded customer's whole journey: the monthly cycle, scores and device, then the events their
// story brings, in time order.
import { EventType } from "../../../lib/generated/prisma/enums";
import type { SeedContact } from "../contact";
import type { SeedContext } from "../context";
import type { SeedCustomer } from "../customers";
import { adversarialComplaintNotes, campaigns, generalPages } from "../vocabulary";
import type { Weighted } from "../vocabulary";
import { addMonthly } from "./billing";
import { addChurnScores, addDevice } from "./churn-and-device";
import { addComplaint, addConversation, addOffer, addWebClick } from "./interactions";
import { startJourney, type SeedEvent } from "./journey";
import { addIncident, addNetworkQuality, type Quality } from "./network";

export const eventTypes = Object.values(EventType);

/** Share of customers with one complaint note that tries to instruct an AI. */
export const ADVERSARIAL_NOTE_SHARE = 0.01;

/** The journey of `customer`: its dated events in time order; pure in (ctx, customer, contact). */
export function generateEvents(ctx: SeedContext, customer: SeedCustomer, contact: SeedContact): SeedEvent[] {
  const j = startJourney(ctx, customer);
  const { rng } = j;
  const hasAdversarialNote = rng.chance(ADVERSARIAL_NOTE_SHARE);

  addMonthly(j);
  addChurnScores(j);
  addDevice(j);

  const qualityWeights: Weighted<Quality> =
    customer.story === "poor_network"
      ? [["poor", 55], ["fair", 35], ["good", 10]]
      : [["excellent", 30], ["good", 50], ["fair", 17], ["poor", 3]];
  const snapshots = customer.story === "poor_network" ? rng.int(4, 6) : 1;
  for (let i = 0; i < snapshots; i++) {
    addNetworkQuality(j, rng.weighted(qualityWeights), customer.story === "poor_network" ? j.recent(4) : j.anytime());
  }

  if (rng.chance(0.6)) addWebClick(j, rng.pick(generalPages), j.anytime());

  const marketingChannels = contact.permissions.filter((p) => p.marketing).map((p) => p.channel);
  if (marketingChannels.length > 0) {
    for (let i = rng.int(0, 2); i > 0; i--) {
      const channel = rng.pick(marketingChannels);
      const campaign = rng.pick(campaigns);
      const response = rng.weighted<string>([["ignored", 50], ["opened", 30], ["clicked", 15], ["converted", 5]]);
      j.add("campaign_contact", j.anytime(), `${channel === "sms" ? "SMS" : channel[0]?.toUpperCase() + channel.slice(1)} campaign "${campaign}": ${response}`, {
        channel,
        campaign,
        response,
      });
    }
  }

  switch (customer.story) {
    case "loyal_quiet":
      if (rng.chance(0.25)) addConversation(j, "general", j.anytime(), rng.chance(0.6) ? "call" : "chat");
      if (rng.chance(0.2)) addOffer(j, j.anytime(), { offerType: "loyalty_credit", outcome: "accepted" });
      break;
    case "declining_usage":
      if (rng.chance(0.3)) addConversation(j, "price", j.recent(5), "chat");
      if (rng.chance(0.3)) addWebClick(j, "/plans/sim-only", j.recent(3));
      break;
    case "bill_shock": {
      const after = () => j.recent(1);
      if (rng.chance(0.75)) addConversation(j, "billing", after(), rng.chance(0.6) ? "call" : "chat");
      if (rng.chance(0.6)) addComplaint(j, "billing", after());
      addWebClick(j, "/account/bill", after());
      if (rng.chance(0.5)) addWebClick(j, "/help/roaming-charges", after());
      break;
    }
    case "repeated_complaints": {
      const count = rng.int(3, 6);
      for (let i = 0; i < count; i++) {
        addComplaint(j, rng.weighted([["billing", 30], ["customer_service", 35], ["network", 20], ["device", 8], ["contract", 7]]), j.recent(6));
      }
      for (let i = rng.int(1, 3); i > 0; i--) addConversation(j, "complaint", j.recent(6), rng.chance(0.7) ? "call" : "chat");
      break;
    }
    case "poor_network":
      for (let i = rng.int(2, 4); i > 0; i--) addIncident(j, j.recent(4));
      for (let i = rng.int(1, 2); i > 0; i--) addConversation(j, "network", j.recent(4), rng.chance(0.6) ? "call" : "chat");
      if (rng.chance(0.7)) addComplaint(j, "network", j.recent(3));
      addWebClick(j, rng.pick(["/coverage-checker", "/help/network-status"]), j.recent(3));
      break;
    case "late_payer":
      if (rng.chance(0.5)) addConversation(j, "payment", j.recent(3), "call");
      if (rng.chance(0.15)) addComplaint(j, "billing", j.recent(6));
      addWebClick(j, "/account/payments", j.recent(2));
      break;
    case "port_out_enquiry": {
      const via = rng.chance(0.6) ? "call" : "chat";
      addConversation(j, "portOut", j.recent(1), via);
      if (rng.chance(0.3)) addConversation(j, "price", j.recent(3), via === "call" ? "chat" : "call");
      addWebClick(j, rng.pick(["/help/pac-code", "/help/leaving-us", "/help/switching-network"]), j.recent(1));
      if (rng.chance(0.5)) addWebClick(j, "/account/contract", j.recent(1));
      if (rng.chance(0.4)) addOffer(j, j.recent(1), { offerType: "discount", outcome: "pending", discountPct: rng.pick([15, 20, 25]) });
      if (rng.chance(0.3)) addComplaint(j, rng.pick(["billing", "customer_service", "contract"]), j.recent(4));
      break;
    }
    case "device_upgrade_ready":
      for (let i = rng.int(2, 3); i > 0; i--) addWebClick(j, rng.pick(["/shop/phones", "/shop/phones/upgrade-check", "/shop/phones/apple-iphone-16", "/shop/phones/samsung-galaxy-s24"]), j.recent(3));
      if (rng.chance(0.4)) addConversation(j, "upgrade", j.recent(3), rng.chance(0.5) ? "call" : "chat");
      if (rng.chance(0.4)) addOffer(j, j.recent(4), { offerType: "device_upgrade" });
      break;
    case "price_sensitive": {
      const offers = rng.int(2, 3);
      for (let i = 0; i < offers; i++) addOffer(j, j.anytime(), { offerType: "discount", outcome: i === offers - 1 && rng.chance(0.4) ? "accepted" : "declined", discountPct: i === offers - 1 ? 30 : rng.pick([5, 10, 15]) });
      if (rng.chance(0.5)) addConversation(j, "price", j.recent(6), rng.chance(0.5) ? "call" : "chat");
      addWebClick(j, rng.pick(["/plans/sim-only", "/deals", "/plans/compare"]), j.recent(2));
      break;
    }
    case "upsell_candidate":
      addWebClick(j, rng.pick(["/plans/unlimited", "/account/add-ons", "/family-plans"]), j.recent(3));
      if (rng.chance(0.2)) addConversation(j, "upsell", j.recent(4), rng.chance(0.5) ? "call" : "chat");
      if (rng.chance(0.5)) addOffer(j, j.anytime(), { offerType: rng.pick(["data_bundle", "plan_upgrade"] as const), outcome: "accepted" });
      break;
  }

  if (customer.story !== "poor_network" && rng.chance(0.06)) addIncident(j, j.anytime());
  if (customer.story !== "loyal_quiet" && customer.story !== "price_sensitive" && rng.chance(0.15)) addOffer(j, j.anytime(), { offerType: rng.pick(["discount", "data_bundle", "loyalty_credit"] as const) });
  if (rng.chance(0.04)) addComplaint(j, rng.pick(["billing", "network", "customer_service"]), j.anytime());
  if (hasAdversarialNote) addComplaint(j, rng.pick(["billing", "customer_service"]), j.recent(6), rng.pick(adversarialComplaintNotes));

  // Stable sort keeps same-instant events in the order they were generated.
  return j.events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}
