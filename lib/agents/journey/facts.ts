// One pass over a journey that turns events into typed facts: the metrics and patterns read these
// instead of the raw JSON, so each event's attributes are read exactly once.
import type { Journey } from "../domain";
import { type Attributes, readLabel, readNumber, readString } from "./attributes";
import { DECISION_ORIGIN } from "./build";
import { DAY_MS, isoDay, monthIndexOf } from "./text";

type Dated = { at: number; day: string };

export type UsageFact = Dated & { month: number; dataGb: number; allowanceGb: number | null };
export type BillFact = Dated & { month: number; total: number; monthlyCharge: number | null; extras: number | null; extrasReason: string | null };
export type PaymentFact = Dated & { isMissed: boolean; daysLate: number | null; amount: number | null };
export type ComplaintFact = Dated & { category: string | null; status: string | null; note: string | null };
export type IncidentFact = Dated & { kind: string | null; durationHours: number | null };
export type NetworkFact = Dated & { isPoor: boolean; quality: string | null; downMbps: number | null; latencyMs: number | null };
export type TranscriptFact = Dated & { via: "call" | "chat"; sentiment: number | null; topic: string | null; text: string; isPortOut: boolean };
export type WebClickFact = Dated & { page: string };
export type OfferFact = Dated & { offerType: string | null; outcome: string | null; discountPct: number | null; durationMonths: number | null };
export type PlanChangeFact = Dated & { fromPlan: string | null; toPlan: string | null; direction: string | null; monthlyDelta: number | null };
export type CampaignFact = Dated & { isOurDecision: boolean; response: string | null; campaign: string | null; treatmentKey: string | null };
export type DeviceFact = Dated & { model: string | null; ageMonths: number | null };
export type ChurnScoreFact = Dated & { probability: number };

export type JourneyFacts = {
  asOfMs: number;
  /** Events at or before `asOfMs`. */
  eventsConsidered: number;
  usage: UsageFact[];
  bills: BillFact[];
  payments: PaymentFact[];
  complaints: ComplaintFact[];
  incidents: IncidentFact[];
  network: NetworkFact[];
  transcripts: TranscriptFact[];
  webClicks: WebClickFact[];
  offers: OfferFact[];
  planChanges: PlanChangeFact[];
  campaigns: CampaignFact[];
  devices: DeviceFact[];
  churnScores: ChurnScoreFact[];
};

/** Responses to a campaign that show the customer engaged with it. */
export const CAMPAIGN_RESPONSES = new Set(["opened", "clicked", "converted", "responded", "replied", "accepted"]);

// Read only on call and chat texts and web pages, which are few per customer.
const PORT_OUT_TEXT = /\b(pac|stac)\b|port(ing)?[ -]?out|leaving (us|fees?)|switch(ing)? (network|provider)|(wants|want|going) to (cancel|leave)|cancel (my|the|their) (contract|account|number)|take (the|my|their) number|move (the|my|their) number/i;
const PORT_OUT_PAGE = /pac-code|stac|leaving-us|switching-network|port-out|cancel/i;

/** True when a call, chat or page is about leaving us (a PAC or STAC code, switching, cancelling). */
export function isPortOutText(text: string): boolean {
  return PORT_OUT_TEXT.test(text);
}

export function isPortOutPage(page: string): boolean {
  return PORT_OUT_PAGE.test(page);
}

const POOR_LABELS = new Set(["poor", "bad", "very_poor", "terrible"]);

function networkIsPoor(a: Attributes): { isPoor: boolean; quality: string | null } {
  const quality = readLabel(a, "quality") ?? readLabel(a, "rating");
  if (quality !== null && POOR_LABELS.has(quality)) return { isPoor: true, quality };
  // A numeric rating is read on a 1–5 scale.
  const rating = readNumber(a, "rating");
  if (rating !== null) return { isPoor: rating <= 2, quality: quality ?? `rated ${rating}` };
  return { isPoor: false, quality };
}

const SENTIMENT_LABEL: Record<string, number> = { positive: 0.5, neutral: 0, negative: -0.5 };

function sentimentOf(a: Attributes): number | null {
  const score = readNumber(a, "sentimentScore");
  if (score !== null) return Math.max(-1, Math.min(1, score));
  const label = readLabel(a, "sentiment");
  return label === null ? null : (SENTIMENT_LABEL[label] ?? null);
}

function probabilityOf(a: Attributes): number | null {
  const p = readNumber(a, "probability") ?? readNumber(a, "score");
  if (p === null || p < 0) return null;
  // Some sources write scores as percentages.
  const fraction = p > 1 ? p / 100 : p;
  return fraction > 1 ? null : fraction;
}

// The summary reads the same facts the analysis just collected from the same journey object.
const recent = new WeakMap<Journey, { events: Journey["events"]; facts: JourneyFacts }>();

/** Typed facts of every event of `journey` at or before `asOfMs`, each list in time order. */
export function collectFacts(journey: Journey, asOfMs: number): JourneyFacts {
  const cached = recent.get(journey);
  if (cached && cached.events === journey.events && cached.facts.asOfMs === asOfMs) return cached.facts;
  const facts = readFacts(journey, asOfMs);
  recent.set(journey, { events: journey.events, facts });
  return facts;
}

function readFacts(journey: Journey, asOfMs: number): JourneyFacts {
  const f: JourneyFacts = {
    asOfMs,
    eventsConsidered: 0,
    usage: [],
    bills: [],
    payments: [],
    complaints: [],
    incidents: [],
    network: [],
    transcripts: [],
    webClicks: [],
    offers: [],
    planChanges: [],
    campaigns: [],
    devices: [],
    churnScores: [],
  };
  for (const event of journey.events) {
    const at = Date.parse(event.occurredAt);
    if (!Number.isFinite(at) || at > asOfMs) continue;
    f.eventsConsidered += 1;
    // Built journeys carry canonical ISO times; anything else is written out again.
    const day = event.occurredAt.length === 24 && event.occurredAt.endsWith("Z") ? event.occurredAt.slice(0, 10) : isoDay(new Date(at).toISOString());
    const a = event.attributes;
    switch (event.type) {
      case "usage": {
        const dataGb = readNumber(a, "dataGb") ?? readNumber(a, "dataUsageGb");
        if (dataGb !== null) f.usage.push({ at, day, month: monthIndexOf(at), dataGb, allowanceGb: readNumber(a, "allowanceGb") });
        break;
      }
      case "billing": {
        const monthlyCharge = readNumber(a, "monthlyCharge");
        const total = readNumber(a, "total") ?? readNumber(a, "amount") ?? monthlyCharge;
        if (total !== null) {
          f.bills.push({ at, day, month: monthIndexOf(at), total, monthlyCharge, extras: readNumber(a, "additionalCharges"), extrasReason: readString(a, "additionalChargesReason") });
        }
        break;
      }
      case "payment": {
        const status = readLabel(a, "status");
        const daysLate = readNumber(a, "daysLate");
        const isMissed = status === "missed" || status === "failed" || a.missed === true;
        if (isMissed || status === "late" || (daysLate !== null && daysLate > 0)) {
          f.payments.push({ at, day, isMissed, daysLate, amount: readNumber(a, "amount") });
        }
        break;
      }
      case "complaint":
        f.complaints.push({ at, day, category: readLabel(a, "category"), status: readLabel(a, "status"), note: readString(a, "note") });
        break;
      case "network_incident":
        f.incidents.push({ at, day, kind: readLabel(a, "kind"), durationHours: readNumber(a, "durationHours") });
        break;
      case "network_quality": {
        const { isPoor, quality } = networkIsPoor(a);
        f.network.push({ at, day, isPoor, quality, downMbps: readNumber(a, "downMbps"), latencyMs: readNumber(a, "latencyMs") });
        break;
      }
      case "call_transcript":
      case "chat_transcript": {
        const topic = readLabel(a, "topic");
        const text = readString(a, "summary") ?? readString(a, "transcript") ?? event.summary;
        const isPortOut = topic === "port_out" || isPortOutText(text);
        f.transcripts.push({ at, day, via: event.type === "call_transcript" ? "call" : "chat", sentiment: sentimentOf(a), topic, text, isPortOut });
        break;
      }
      case "web_click": {
        const page = readString(a, "page") ?? readString(a, "url");
        if (page !== null) f.webClicks.push({ at, day, page });
        break;
      }
      case "offer":
        f.offers.push({ at, day, offerType: readLabel(a, "offerType"), outcome: readLabel(a, "outcome"), discountPct: readNumber(a, "discountPct"), durationMonths: readNumber(a, "durationMonths") });
        break;
      case "plan_change":
        f.planChanges.push({ at, day, fromPlan: readString(a, "fromPlan"), toPlan: readString(a, "toPlan"), direction: readLabel(a, "direction"), monthlyDelta: readNumber(a, "monthlyDelta") });
        break;
      case "campaign_contact":
        f.campaigns.push({
          at,
          day,
          isOurDecision: a.origin === DECISION_ORIGIN,
          response: readLabel(a, "response"),
          campaign: readString(a, "campaign"),
          treatmentKey: readString(a, "treatmentKey"),
        });
        break;
      case "device":
        f.devices.push({ at, day, model: readString(a, "model"), ageMonths: readNumber(a, "ageMonths") });
        break;
      case "churn_score": {
        const probability = probabilityOf(a);
        if (probability !== null) f.churnScores.push({ at, day, probability });
        break;
      }
    }
  }
  return f;
}

/** Whole days from `at` to `asOfMs`, never negative. */
export function daysBetween(at: number, asOfMs: number): number {
  return Math.max(0, Math.floor((asOfMs - at) / DAY_MS));
}

/** Items of a time-ordered list at or after `asOfMs - days`. */
export function within<T extends { at: number }>(items: readonly T[], asOfMs: number, days: number): T[] {
  const from = asOfMs - days * DAY_MS;
  return items.filter((x) => x.at >= from);
}
