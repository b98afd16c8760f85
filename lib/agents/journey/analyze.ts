// Over 300 lines because it is one table: every metric and the eleven patterns read the same facts in one pass.
// Journey analysis: the metrics every decision reads and the named patterns a marketer recognises,
// each pattern with the dated facts that triggered it. Evidence is built from our own records
// (amounts, dates, categories) and never repeats customer-written text.
import type { CustomerProfile, Journey, JourneyAnalysis, JourneyMetrics, JourneyPattern, PatternKey } from "../domain";
import { readNumber } from "./attributes";
import {
  type BillFact,
  CAMPAIGN_RESPONSES,
  type JourneyFacts,
  type UsageFact,
  collectFacts,
  daysBetween,
  isPortOutPage,
  within,
} from "./facts";
import { churnRisk, journeyLogit, lifetimeValue, profileLogit, profileRiskInputs } from "./risk";
import { DAY_MS, median, monthIndexOf, monthRangeLabel, money, oneLine, round, signedPercent } from "./text";

/** The window "recent" means for counts of complaints, incidents and port-out enquiries, in days. */
export const RECENT_DAYS = 90;
/** The window patterns look back over for repeated behaviour, in days. */
export const PATTERN_DAYS = 180;
/** The window payments, offers and sentiment are counted over, in days. */
export const YEAR_DAYS = 365;
/** At most this many evidence strings per pattern. */
export const MAX_EVIDENCE = 4;

export const patternLabels: Record<PatternKey, string> = {
  declining_usage: "Declining usage",
  bill_shock: "Bill shock",
  repeated_complaints: "Repeated complaints",
  poor_network: "Poor network",
  late_payments: "Late payments",
  port_out_risk: "Port-out risk",
  device_upgrade_due: "Device upgrade due",
  price_sensitive: "Price sensitive",
  negative_sentiment: "Negative sentiment",
  loyal_quiet: "Loyal and quiet",
  upsell_candidate: "Upsell candidate",
};

type Trend = { change: number; recent: { first: number; last: number; mean: number }; previous: { first: number; last: number; mean: number } };

/**
 * Change of a monthly series, the last 3 months with data against the 3 before, as a fraction;
 * null with fewer than 5 months in the last year or a zero base. Values within a month are summed.
 */
export function monthlyTrend(points: readonly { month: number; value: number }[], asOfMonth: number): Trend | null {
  const byMonth = new Map<number, number>();
  for (const p of points) {
    if (p.month < asOfMonth - 11 || p.month > asOfMonth) continue;
    byMonth.set(p.month, (byMonth.get(p.month) ?? 0) + p.value);
  }
  if (byMonth.size < 5) return null;
  const months = [...byMonth.keys()].sort((a, b) => a - b);
  const recent = months.slice(-3);
  const previous = months.slice(-6, -3);
  const mean = (ms: number[]) => ms.reduce((s, m) => s + (byMonth.get(m) ?? 0), 0) / ms.length;
  const base = mean(previous);
  if (!(base > 0)) return null;
  const now = mean(recent);
  return {
    change: now / base - 1,
    recent: { first: recent[0]!, last: recent.at(-1)!, mean: now },
    previous: { first: previous[0]!, last: previous.at(-1)!, mean: base },
  };
}

const fmtGb = (gb: number) => `${round(gb, 1)} GB`;
const label = (value: string | null, fallback: string) => (value === null ? fallback : value.replace(/_/g, " "));
/** Names from our own records (plans, devices, campaigns), flattened and bounded. */
const name = (value: string | null, fallback = "unknown") => (value === null ? fallback : oneLine(value, 48));
const newestFirst = <T extends { at: number }>(items: readonly T[]) => [...items].sort((a, b) => b.at - a.at);

type Context = { facts: JourneyFacts; metrics: JourneyMetrics; profile: CustomerProfile; usageTrend: Trend | null; revenueTrend: Trend | null };
type Found = Omit<JourneyPattern, "key" | "label">;

// ---- metrics ----------------------------------------------------------------------------------

function deviceAge(facts: JourneyFacts, profile: CustomerProfile): number | null {
  const device = facts.devices.findLast((d) => d.ageMonths !== null);
  if (device && device.ageMonths !== null) return Math.round(device.ageMonths + (facts.asOfMs - device.at) / (30.44 * DAY_MS));
  return readNumber(profile.attributes, "deviceAgeMonths");
}

function computeMetrics(profile: CustomerProfile, facts: JourneyFacts): { metrics: JourneyMetrics; usageTrend: Trend | null; revenueTrend: Trend | null } {
  const { asOfMs } = facts;
  const asOfMonth = monthIndexOf(asOfMs);
  const usageTrend = monthlyTrend(facts.usage.map((u) => ({ month: u.month, value: u.dataGb })), asOfMonth);
  const revenueTrend = monthlyTrend(facts.bills.map((b) => ({ month: b.month, value: b.total })), asOfMonth);

  const lastComplaint = facts.complaints.at(-1);
  const lastIncident = facts.incidents.at(-1);
  const yearNetwork = within(facts.network, asOfMs, YEAR_DAYS);
  const yearPayments = within(facts.payments, asOfMs, YEAR_DAYS);
  const yearTranscripts = within(facts.transcripts, asOfMs, YEAR_DAYS).filter((t) => t.sentiment !== null);

  let lastContactAt: number | null = null;
  for (const c of facts.campaigns) lastContactAt = Math.max(lastContactAt ?? c.at, c.at);
  for (const o of facts.offers) lastContactAt = Math.max(lastContactAt ?? o.at, o.at);

  const recentFrom = asOfMs - PATTERN_DAYS * DAY_MS;
  const hasPortOutEnquiry =
    facts.transcripts.some((t) => t.at >= recentFrom && t.isPortOut) || facts.webClicks.some((w) => w.at >= recentFrom && isPortOutPage(w.page));
  const latestScore = facts.churnScores.at(-1);

  const tenureMonths = Number.isFinite(profile.tenureMonths) ? Math.max(0, profile.tenureMonths) : 0;
  const monthlyRevenue = Number.isFinite(profile.monthlyRevenue) ? Math.max(0, profile.monthlyRevenue) : 0;
  const partial = {
    tenureMonths,
    monthlyRevenue,
    revenueTrend: revenueTrend === null ? null : round(revenueTrend.change, 3),
    usageTrend: usageTrend === null ? null : round(usageTrend.change, 3),
    complaintCount: facts.complaints.length,
    complaintsLast90Days: within(facts.complaints, asOfMs, RECENT_DAYS).length,
    daysSinceLastComplaint: lastComplaint ? daysBetween(lastComplaint.at, asOfMs) : null,
    incidentCount: facts.incidents.length,
    incidentsLast90Days: within(facts.incidents, asOfMs, RECENT_DAYS).length,
    daysSinceLastIncident: lastIncident ? daysBetween(lastIncident.at, asOfMs) : null,
    poorNetworkShare: yearNetwork.length === 0 ? null : round(yearNetwork.filter((n) => n.isPoor).length / yearNetwork.length, 3),
    latePayments: yearPayments.filter((p) => !p.isMissed).length,
    missedPayments: yearPayments.filter((p) => p.isMissed).length,
    daysSinceLastContact: lastContactAt === null ? null : daysBetween(lastContactAt, asOfMs),
    campaignContacts: facts.campaigns.length,
    campaignResponses: facts.campaigns.filter((c) => !c.isOurDecision && c.response !== null && CAMPAIGN_RESPONSES.has(c.response)).length,
    offersAccepted: facts.offers.filter((o) => o.outcome === "accepted").length,
    offersDeclined: facts.offers.filter((o) => o.outcome === "declined").length,
    sentiment: yearTranscripts.length === 0 ? null : round(yearTranscripts.reduce((s, t) => s + (t.sentiment ?? 0), 0) / yearTranscripts.length, 2),
    deviceAgeMonths: deviceAge(facts, profile),
    hasPortOutEnquiry,
    latestChurnScore: latestScore ? round(latestScore.probability, 3) : null,
  };
  const risk = churnRisk({ profileZ: profileLogit(profileRiskInputs(profile)), journeyZ: journeyLogit(partial), latestChurnScore: partial.latestChurnScore });
  const metrics: JourneyMetrics = {
    ...partial,
    churnRisk: round(risk, 4),
    valueTier: profile.valueTier,
    lifetimeValue: round(lifetimeValue({ monthlyRevenue, churnRisk: risk }), 2),
  };
  return { metrics, usageTrend, revenueTrend };
}

// ---- patterns ---------------------------------------------------------------------------------

function decliningUsage({ usageTrend, facts }: Context): Found | null {
  if (usageTrend === null || usageTrend.change > -0.25) return null;
  const { recent, previous, change } = usageTrend;
  const lowest = facts.usage.filter((u) => u.month >= recent.first).reduce<UsageFact | null>((lo, u) => (lo === null || u.dataGb < lo.dataGb ? u : lo), null);
  const evidence = [
    `data use ${signedPercent(change)}: ${monthRangeLabel(recent.first, recent.last)} averaged ${fmtGb(recent.mean)} a month against ${fmtGb(previous.mean)} in ${monthRangeLabel(previous.first, previous.last)}`,
  ];
  if (lowest) evidence.push(`${lowest.day}: used ${fmtGb(lowest.dataGb)}${lowest.allowanceGb !== null ? ` of a ${fmtGb(lowest.allowanceGb)} allowance` : ""}`);
  const downgrade = newestFirst(within(facts.planChanges, facts.asOfMs, PATTERN_DAYS)).find((p) => p.direction === "downgrade");
  if (downgrade) evidence.push(`${downgrade.day}: moved down from ${name(downgrade.fromPlan)} to ${name(downgrade.toPlan)}`);
  return { severity: change <= -0.5 ? "high" : change <= -0.35 ? "medium" : "low", evidence };
}

/** A bill is a shock when its extras (or, without an extras figure, its rise over the usual bill) are large. */
function isShock(bill: BillFact, usual: number): boolean {
  if (bill.extras !== null) return bill.extras >= 20 && bill.extras >= 0.4 * (bill.monthlyCharge ?? usual);
  return bill.total - usual >= 20 && bill.total >= 1.3 * usual;
}

function billShock({ facts, profile }: Context): Found | null {
  const { asOfMs } = facts;
  const from = asOfMs - RECENT_DAYS * DAY_MS;
  const shocks: { bill: BillFact; usual: number }[] = [];
  facts.bills.forEach((bill, i) => {
    if (bill.at < from) return;
    const earlier = facts.bills.slice(Math.max(0, i - 12), i).map((b) => b.total);
    const usual = median(earlier) ?? bill.monthlyCharge ?? profile.monthlyRevenue;
    if (usual > 0 && isShock(bill, usual)) shocks.push({ bill, usual });
  });
  if (shocks.length === 0) return null;
  const evidence = newestFirst(shocks.map((s) => ({ ...s, at: s.bill.at }))).map(({ bill, usual }) => {
    const extra = bill.extras !== null ? `${money(bill.extras)} of extras` : `${money(bill.total - usual)} above usual`;
    return `${bill.day}: bill ${money(bill.total)} against a usual ${money(usual)} (${extra}${bill.extrasReason ? `: ${oneLine(bill.extrasReason, 60)}` : ""})`;
  });
  const firstShock = shocks[0]!.bill.at;
  const followUps = [
    ...facts.complaints.filter((c) => c.at >= firstShock && c.category === "billing").map((c) => ({ at: c.at, text: `${c.day}: billing complaint` })),
    ...facts.transcripts.filter((t) => t.at >= firstShock && t.topic === "bill_query").map((t) => ({ at: t.at, text: `${t.day}: ${t.via} querying the bill` })),
  ];
  for (const f of newestFirst(followUps)) evidence.push(f.text);
  const worst = Math.max(...shocks.map((s) => s.bill.total / s.usual));
  return { severity: worst >= 2 || followUps.length > 0 ? "high" : "medium", evidence };
}

function repeatedComplaints({ facts, metrics }: Context): Found | null {
  const recent = within(facts.complaints, facts.asOfMs, PATTERN_DAYS);
  if (recent.length < 3 && metrics.complaintsLast90Days < 2) return null;
  const open = recent.filter((c) => c.status === "open").length;
  const evidence = [`${recent.length} complaints from ${recent[0]!.day} to ${recent.at(-1)!.day}${open > 0 ? `, ${open} still open` : ""}`];
  for (const c of newestFirst(recent)) evidence.push(`${c.day}: complaint about ${label(c.category, "an unnamed issue")}${c.status ? ` (${c.status})` : ""}`);
  return { severity: recent.length >= 4 || open > 0 ? "high" : recent.length >= 3 ? "medium" : "low", evidence };
}

function poorNetwork({ facts }: Context): Found | null {
  const { asOfMs } = facts;
  const snapshots = within(facts.network, asOfMs, PATTERN_DAYS);
  const poor = snapshots.filter((n) => n.isPoor);
  const incidents = within(facts.incidents, asOfMs, PATTERN_DAYS);
  const networkComplaints = within(facts.complaints, asOfMs, PATTERN_DAYS).filter((c) => c.category === "network");
  const share = snapshots.length === 0 ? 0 : poor.length / snapshots.length;
  const fires = incidents.length >= 2 || (snapshots.length >= 2 && share >= 0.4) || (poor.length >= 1 && (incidents.length >= 1 || networkComplaints.length >= 1));
  if (!fires) return null;
  const facts_: { at: number; text: string }[] = [
    ...poor.map((n) => ({
      at: n.at,
      text: `${n.day}: network rated ${n.quality ?? "poor"}${n.downMbps !== null ? ` (${round(n.downMbps, 1)} Mbps down${n.latencyMs !== null ? `, ${Math.round(n.latencyMs)} ms` : ""})` : ""}`,
    })),
    ...incidents.map((i) => ({ at: i.at, text: `${i.day}: network incident nearby (${label(i.kind, "outage")}${i.durationHours !== null ? `, ${Math.round(i.durationHours)} h` : ""})` })),
    ...networkComplaints.map((c) => ({ at: c.at, text: `${c.day}: network complaint` })),
  ];
  const evidence = [
    `${poor.length} of ${snapshots.length} network checks poor${poor.length > 0 ? ` (latest ${poor.at(-1)!.day})` : ""} and ${incidents.length} incidents${incidents.length > 0 ? ` (latest ${incidents.at(-1)!.day})` : ""} in the last ${PATTERN_DAYS} days`,
    ...newestFirst(facts_).map((x) => x.text),
  ];
  return { severity: incidents.length >= 3 || share >= 0.6 ? "high" : "medium", evidence };
}

function latePayments({ facts }: Context): Found | null {
  const { asOfMs } = facts;
  const year = within(facts.payments, asOfMs, YEAR_DAYS);
  const missedRecently = within(year, asOfMs, RECENT_DAYS).some((p) => p.isMissed);
  if (year.length < 2 && !missedRecently) return null;
  const missed = year.filter((p) => p.isMissed).length;
  const evidence = [`${year.length - missed} late and ${missed} missed payments in the last 12 months, the latest on ${year.at(-1)!.day}`];
  for (const p of newestFirst(year)) {
    const amount = p.amount !== null ? ` of ${money(p.amount)}` : "";
    const days = p.daysLate !== null ? `${Math.round(p.daysLate)} days` : "";
    evidence.push(p.isMissed ? `${p.day}: payment${amount} missed${days ? `, ${days} overdue` : ""}` : `${p.day}: payment${amount} made${days ? ` ${days}` : ""} late`);
  }
  return { severity: missed > 0 ? "high" : year.length >= 3 ? "medium" : "low", evidence };
}

function portOutRisk({ facts, metrics }: Context): Found | null {
  if (!metrics.hasPortOutEnquiry) return null;
  const from = facts.asOfMs - PATTERN_DAYS * DAY_MS;
  const found = [
    ...facts.transcripts.filter((t) => t.at >= from && t.isPortOut).map((t) => ({ at: t.at, text: `${t.day}: asked about leaving us on a ${t.via}` })),
    ...facts.webClicks.filter((w) => w.at >= from && isPortOutPage(w.page)).map((w) => ({ at: w.at, text: `${w.day}: viewed the page ${oneLine(w.page, 60)}` })),
  ];
  const evidence = newestFirst(found).map((x) => x.text);
  const pending = facts.offers.findLast((o) => o.at >= from && o.outcome === "pending");
  if (pending) evidence.push(`${pending.day}: ${label(pending.offerType, "offer")} offer still awaiting an answer`);
  return { severity: "high", evidence };
}

const UPGRADE_PAGE = /\/shop\/phones|upgrade/i;

function deviceUpgradeDue({ facts, metrics }: Context): Found | null {
  const age = metrics.deviceAgeMonths;
  if (age === null || age < 24) return null;
  const from = facts.asOfMs - PATTERN_DAYS * DAY_MS;
  const interest = [
    ...facts.webClicks.filter((w) => w.at >= from && UPGRADE_PAGE.test(w.page)).map((w) => ({ at: w.at, text: `${w.day}: viewed the page ${oneLine(w.page, 60)}` })),
    ...facts.transcripts.filter((t) => t.at >= from && t.topic === "upgrade").map((t) => ({ at: t.at, text: `${t.day}: asked about upgrading on a ${t.via}` })),
    ...facts.offers.filter((o) => o.at >= from && o.offerType === "device_upgrade").map((o) => ({ at: o.at, text: `${o.day}: device upgrade offer ${label(o.outcome, "made")}` })),
  ];
  if (age < 30 && interest.length === 0) return null;
  const device = facts.devices.findLast((d) => d.ageMonths !== null);
  const evidence = [device ? `${device.day}: using ${name(device.model, "a handset")}, ${age} months old now` : `handset ${age} months old`];
  for (const x of newestFirst(interest)) evidence.push(x.text);
  return { severity: interest.length > 0 ? (age >= 36 ? "high" : "medium") : "low", evidence };
}

const PRICE_PAGE = /\/plans\/sim-only|\/deals|\/plans\/compare|cheaper/i;

function priceSensitive({ facts }: Context): Found | null {
  const { asOfMs } = facts;
  const offers = within(facts.offers, asOfMs, YEAR_DAYS);
  const declined = offers.filter((o) => o.outcome === "declined");
  const discountsTaken = offers.filter((o) => o.outcome === "accepted" && o.offerType === "discount");
  const downgrades = within(facts.planChanges, asOfMs, YEAR_DAYS).filter((p) => p.direction === "downgrade");
  const priceTalks = within(facts.transcripts, asOfMs, PATTERN_DAYS).filter((t) => t.topic === "price");
  const pricePages = within(facts.webClicks, asOfMs, PATTERN_DAYS).filter((w) => PRICE_PAGE.test(w.page));
  const score = declined.length + downgrades.length + priceTalks.length + 0.5 * Math.min(1, discountsTaken.length) + 0.5 * Math.min(1, pricePages.length);
  if (score < 2) return null;
  const found = [
    ...declined.map((o) => ({ at: o.at, text: `${o.day}: declined ${o.discountPct ? `${Math.round(o.discountPct)}% off` : o.offerType ? `a ${label(o.offerType, "")} offer` : "an offer"}` })),
    ...discountsTaken.map((o) => ({ at: o.at, text: `${o.day}: took ${o.discountPct ? `${Math.round(o.discountPct)}% off` : "a discount"}` })),
    ...downgrades.map((p) => ({ at: p.at, text: `${p.day}: moved down from ${name(p.fromPlan)} to ${name(p.toPlan)}${p.monthlyDelta !== null ? ` (${money(p.monthlyDelta)}/month)` : ""}` })),
    ...priceTalks.map((t) => ({ at: t.at, text: `${t.day}: asked about price on a ${t.via}` })),
    ...pricePages.slice(-1).map((w) => ({ at: w.at, text: `${w.day}: viewed the page ${oneLine(w.page, 60)}` })),
  ];
  return { severity: score >= 3 ? "medium" : "low", evidence: newestFirst(found).map((x) => x.text) };
}

function negativeSentiment({ facts }: Context): Found | null {
  const { asOfMs } = facts;
  const recent = within(facts.transcripts, asOfMs, PATTERN_DAYS);
  const negative = recent.filter((t) => t.sentiment !== null && t.sentiment <= -0.3);
  const veryRecentBad = negative.some((t) => t.at >= asOfMs - 30 * DAY_MS && (t.sentiment ?? 0) <= -0.6);
  if (negative.length < 2 && !veryRecentBad) return null;
  const evidence = [`${negative.length} of ${recent.length} calls and chats negative in the last ${PATTERN_DAYS} days, the latest on ${negative.at(-1)!.day}`];
  for (const t of newestFirst(negative)) evidence.push(`${t.day}: ${t.via} about ${label(t.topic, "an unnamed topic")}, sentiment ${round(t.sentiment ?? 0, 2)}`);
  return { severity: negative.length >= 3 ? "high" : "medium", evidence };
}

function upsellCandidate({ facts }: Context): Found | null {
  const { asOfMs } = facts;
  const lastUsage = within(facts.usage, asOfMs, 120).slice(-3);
  const capped = lastUsage.filter((u) => u.allowanceGb !== null && u.allowanceGb > 0 && u.dataGb >= 0.95 * u.allowanceGb);
  const from = asOfMs - PATTERN_DAYS * DAY_MS;
  const interest = [
    ...facts.webClicks.filter((w) => w.at >= from && /\/plans\/unlimited|add-ons|family-plans|bigger/i.test(w.page)).map((w) => ({ at: w.at, text: `${w.day}: viewed the page ${oneLine(w.page, 60)}` })),
    ...facts.transcripts.filter((t) => t.at >= from && t.topic === "plan").map((t) => ({ at: t.at, text: `${t.day}: asked about a bigger plan on a ${t.via}` })),
    ...within(facts.offers, asOfMs, YEAR_DAYS)
      .filter((o) => o.outcome === "accepted" && (o.offerType === "data_bundle" || o.offerType === "plan_upgrade"))
      .map((o) => ({ at: o.at, text: `${o.day}: took a ${label(o.offerType, "plan")} offer` })),
  ];
  if (capped.length === 0 && interest.length < 2) return null;
  const evidence = newestFirst(capped).map((u) => `${u.day}: used ${fmtGb(u.dataGb)} of a ${fmtGb(u.allowanceGb ?? 0)} allowance`);
  for (const x of newestFirst(interest)) evidence.push(x.text);
  return { severity: capped.length > 0 && interest.length > 0 ? "medium" : "low", evidence };
}

const TROUBLE: readonly PatternKey[] = ["declining_usage", "bill_shock", "repeated_complaints", "poor_network", "late_payments", "port_out_risk", "price_sensitive", "negative_sentiment"];

function loyalQuiet(ctx: Context, found: ReadonlySet<PatternKey>): Found | null {
  const { facts, metrics } = ctx;
  if (metrics.tenureMonths < 24 || TROUBLE.some((k) => found.has(k))) return null;
  const { asOfMs } = facts;
  const spoke = [...facts.transcripts, ...facts.complaints].filter((x) => x.at >= asOfMs - PATTERN_DAYS * DAY_MS);
  if (spoke.length > 1) return null;
  const yearComplaints = within(facts.complaints, asOfMs, YEAR_DAYS).length;
  const yearPayments = within(facts.payments, asOfMs, YEAR_DAYS).length;
  const lastSpoke = [...facts.transcripts, ...facts.complaints].reduce<{ at: number; day: string } | null>((l, x) => (l === null || x.at > l.at ? x : l), null);
  const lastOurs = [...facts.campaigns, ...facts.offers].reduce<{ at: number; day: string } | null>((l, x) => (l === null || x.at > l.at ? x : l), null);
  const evidence = [
    `${metrics.tenureMonths} months with us; ${yearComplaints === 0 ? "no complaints" : `${yearComplaints} complaint`} and ${yearPayments === 0 ? "no late payments" : `${yearPayments} late payment`} in the last 12 months`,
    lastSpoke ? `${lastSpoke.day}: last call, chat or complaint from the customer` : "no calls, chats or complaints on record",
    lastOurs ? `${lastOurs.day}: last campaign or offer from us` : "no campaign or offer from us on record",
  ];
  const loyalty = facts.offers.findLast((o) => o.outcome === "accepted" && o.offerType === "loyalty_credit");
  if (loyalty) evidence.push(`${loyalty.day}: took a loyalty credit`);
  return { severity: "low", evidence };
}

const DETECTORS: readonly [PatternKey, (ctx: Context) => Found | null][] = [
  ["port_out_risk", portOutRisk],
  ["bill_shock", billShock],
  ["repeated_complaints", repeatedComplaints],
  ["poor_network", poorNetwork],
  ["late_payments", latePayments],
  ["declining_usage", decliningUsage],
  ["negative_sentiment", negativeSentiment],
  ["price_sensitive", priceSensitive],
  ["device_upgrade_due", deviceUpgradeDue],
  ["upsell_candidate", upsellCandidate],
];

function detectPatterns(ctx: Context): JourneyPattern[] {
  const patterns: JourneyPattern[] = [];
  const keys = new Set<PatternKey>();
  const add = (key: PatternKey, found: Found | null) => {
    if (!found) return;
    keys.add(key);
    patterns.push({ key, label: patternLabels[key], severity: found.severity, evidence: found.evidence.slice(0, MAX_EVIDENCE) });
  };
  for (const [key, detect] of DETECTORS) add(key, detect(ctx));
  add("loyal_quiet", loyalQuiet(ctx, keys));
  return patterns;
}

/**
 * Metrics and patterns of `journey` for `profile` as of `asOfMs` (epoch ms); events after it are
 * ignored. Counts are whole events, trends fractions, money GBP, risk in [0, 1].
 */
export function analyzeJourney(journey: Journey, profile: CustomerProfile, asOfMs: number): JourneyAnalysis {
  const facts = collectFacts(journey, asOfMs);
  const { metrics, usageTrend, revenueTrend } = computeMetrics(profile, facts);
  const patterns = detectPatterns({ facts, metrics, profile, usageTrend, revenueTrend });
  return { customerId: journey.customerId, asOf: new Date(asOfMs).toISOString(), metrics, patterns };
}
