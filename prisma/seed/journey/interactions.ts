// What the customer did or was offered: call and chat transcripts, complaints, web visits, offers.
import { DAY_MS, HOUR_MS } from "../context";
import { roundTo } from "../random";
import type { Rng } from "../random";
import { complaintNotes, conversations } from "../vocabulary";
import type { Conversation, ConversationKind } from "../vocabulary";
import { gbp, type Journey } from "./journey";

const sentimentScore = (rng: Rng, sentiment: "positive" | "neutral" | "negative") =>
  sentiment === "positive" ? rng.float(0.3, 0.9) : sentiment === "neutral" ? rng.float(-0.2, 0.3) : rng.float(-0.95, -0.35);

export function addConversation(j: Journey, kind: ConversationKind, atMs: number, via: "call" | "chat"): void {
  const { rng } = j;
  const options: readonly Conversation[] = conversations[kind];
  const c = rng.pick(options);
  const durationS = via === "call" ? rng.int(120, 1800) : rng.int(180, 1500);
  const base = { topic: c.topic, summary: c.text, sentiment: c.sentiment, sentimentScore: sentimentScore(rng, c.sentiment), durationS };
  if (via === "call") {
    j.add("call_transcript", atMs, `Call (${Math.round(durationS / 60)} min, ${c.sentiment}): ${c.text}`, base);
    return;
  }
  const resolution: string =
    c.sentiment === "negative" ? rng.pick(["unresolved", "escalated", "transferred_to_call"]) : rng.pick(["resolved", "resolved", "unresolved"]);
  j.add("chat_transcript", atMs, `Web chat (${Math.round(durationS / 60)} min, ${c.sentiment}, ${resolution}): ${c.text}`, { ...base, resolution });
}

export function addComplaint(j: Journey, category: keyof typeof complaintNotes, atMs: number, note?: string): void {
  const { rng } = j;
  const text = note ?? rng.pick(complaintNotes[category]);
  const status = atMs > j.anchorMs - 14 * DAY_MS && rng.chance(0.6) ? "open" : "resolved";
  j.add("complaint", atMs, `Complaint (${category.replace("_", " ")}): ${text}`, {
    category,
    note: text,
    channel: rng.pick(["call", "chat", "email", "store"]),
    status,
  });
}

export function addWebClick(j: Journey, page: string, atMs: number): void {
  const device = j.rng.weighted<string>([["mobile", 55], ["desktop", 25], ["tablet", 8], ["app", j.customer.attributes.hasApp ? 12 : 0]]);
  const timeOnPageS = j.rng.int(8, 420);
  j.add("web_click", atMs, `Viewed ${page} on ${device} for ${timeOnPageS} s`, { page, timeOnPageS, device });
}

export type OfferType = "discount" | "data_bundle" | "device_upgrade" | "loyalty_credit" | "plan_upgrade";

export function addOffer(j: Journey, atMs: number, opts: { offerType: OfferType; outcome?: "accepted" | "declined" | "pending"; discountPct?: number }): void {
  const { rng, customer } = j;
  const discountPct = opts.discountPct ?? (opts.offerType === "discount" ? rng.pick([10, 15, 20, 25, 30]) : 0);
  const durationMonths = rng.pick([3, 6, 12, 24]);
  const valuePerMonth =
    opts.offerType === "discount"
      ? roundTo((customer.monthlyRevenue * discountPct) / 100, 2)
      : opts.offerType === "data_bundle"
        ? rng.pick([3, 5, 8])
        : opts.offerType === "device_upgrade"
          ? rng.pick([10, 15, 20])
          : rng.pick([2, 4, 6]);
  const offeredExpiry = atMs + rng.int(14, 45) * DAY_MS;
  // An offer still awaiting an answer has not expired yet.
  const expiresAtMs = opts.outcome === "pending" ? Math.max(offeredExpiry, j.anchorMs + 3 * DAY_MS) : offeredExpiry;
  const outcome = opts.outcome ?? (expiresAtMs > j.anchorMs && rng.chance(0.5) ? "pending" : rng.chance(0.4) ? "accepted" : "declined");
  const decidedAtMs = outcome === "pending" ? null : Math.min(j.anchorMs - HOUR_MS, atMs + rng.int(1, 10) * DAY_MS);
  const what =
    opts.offerType === "discount"
      ? `${discountPct}% off for ${durationMonths} months (${gbp(valuePerMonth)}/month)`
      : `${opts.offerType.replaceAll("_", " ")} worth ${gbp(valuePerMonth)}/month for ${durationMonths} months`;
  j.add("offer", atMs, `Offered ${what}: ${outcome}`, {
    offerType: opts.offerType,
    discountPct,
    durationMonths,
    valuePerMonth,
    priority: rng.int(1, 5),
    expiresAt: new Date(expiresAtMs).toISOString(),
    outcome,
    decidedAt: decidedAtMs === null ? null : new Date(Math.max(atMs, decidedAtMs)).toISOString(),
  });
}
