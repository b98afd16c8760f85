// The contact policy: how often one customer may be contacted, per channel and in all, how soon a
// treatment may be repeated after an approval or a decline, and when a goal the customer keeps
// saying no to is paused. Managers set the numbers; every decision and every approval reads them
// and checks them here, against the history of `contact-history.ts`. Pure.
import { z } from "zod";
import type { Channel, ExclusionRule, TreatmentDefinition } from "../domain";
import { channels } from "../domain";
import { type ContactEvent, isContactMade, isNegativeResponse } from "./contact-history";

const DAY_MS = 86_400_000;

/** At most `maxContacts` contacts in any rolling window of `windowDays` days. */
export type FrequencyLimit = { maxContacts: number; windowDays: number };

/** After `maxNegative` declines or ignores of one goal within `windowDays` days, the goal pauses for `pauseDays` days. */
export type GoalSuppression = { maxNegative: number; windowDays: number; pauseDays: number };

/** Every field null (or a channel absent) switches that rule off. */
export type ContactPolicy = {
  channelLimits: Partial<Record<Channel, FrequencyLimit>>;
  overallLimit: FrequencyLimit | null;
  /** Days a treatment waits after it was approved (or overridden to) for the customer. */
  approvalCooldownDays: number | null;
  /** Days a treatment waits after the customer declined it. */
  declineCooldownDays: number | null;
  goalSuppression: GoalSuppression | null;
};

/** In the order they are checked; a tie between refusals goes to the earlier. */
export const contactRules = ["decline_cooldown", "goal_paused", "approval_cooldown", "channel_limit", "overall_limit"] as const satisfies readonly ExclusionRule[];
export type ContactRule = (typeof contactRules)[number];

/** Why a contact is refused: the rule, a sentence naming its numbers and dates, and when it lifts (ISO). */
export type ContactRefusal = { rule: ContactRule; message: string; until: string };

/**
 * The defaults every database is seeded with: 1 call in 14 days, 2 SMS and 3 emails in 7 days,
 * 4 contacts in 7 days on all channels, 30 days between approvals of one treatment, 90 days after
 * a decline, and a goal paused for 60 days after 2 declines or ignores within 30 days.
 */
export const DEFAULT_CONTACT_POLICY: ContactPolicy = {
  channelLimits: { call: { maxContacts: 1, windowDays: 14 }, sms: { maxContacts: 2, windowDays: 7 }, email: { maxContacts: 3, windowDays: 7 } },
  overallLimit: { maxContacts: 4, windowDays: 7 },
  approvalCooldownDays: 30,
  declineCooldownDays: 90,
  goalSuppression: { maxNegative: 2, windowDays: 30, pauseDays: 60 },
};

/** Longest window or pause a manager may set: one year. */
export const MAX_POLICY_DAYS = 365;
/** Most contacts a limit may allow; more would be no limit at all. */
export const MAX_POLICY_CONTACTS = 100;

const days = z.number().int().min(1).max(MAX_POLICY_DAYS);
const frequencyLimit = z.object({ maxContacts: z.number().int().min(1).max(MAX_POLICY_CONTACTS), windowDays: days }).strict();

export const contactPolicySchema = z
  .object({
    channelLimits: z.partialRecord(z.enum(channels), frequencyLimit),
    overallLimit: frequencyLimit.nullable(),
    approvalCooldownDays: days.nullable(),
    declineCooldownDays: days.nullable(),
    goalSuppression: z.object({ maxNegative: z.number().int().min(1).max(MAX_POLICY_CONTACTS), windowDays: days, pauseDays: days }).strict().nullable(),
  })
  .strict();

const CHANNEL_NAMES: Record<Channel, { one: string; many: string }> = {
  email: { one: "email", many: "emails" },
  sms: { one: "SMS", many: "SMS" },
  call: { one: "call", many: "calls" },
  push: { one: "push message", many: "push messages" },
  mail: { one: "letter", many: "letters" },
};

const shortDay = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "Europe/London" });
const longDay = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "Europe/London" });

/** "4 Dec" (a UK day), with the year when it is more than 300 days from `nowMs`. */
export function formatPolicyDay(ms: number, nowMs: number): string {
  return Math.abs(ms - nowMs) > 300 * DAY_MS ? longDay.format(ms) : shortDay.format(ms);
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

const isoAt = (ms: number) => new Date(ms).toISOString();

type Dated = { event: ContactEvent; ms: number };

/** Events at or before `nowMs` that pass `keep`, oldest first, with their times read once. */
function pastEvents(history: readonly ContactEvent[], nowMs: number, keep: (e: ContactEvent) => boolean): Dated[] {
  const out: Dated[] = [];
  for (const event of history) {
    if (!keep(event)) continue;
    const ms = Date.parse(event.at);
    if (Number.isFinite(ms) && ms <= nowMs) out.push({ event, ms });
  }
  return out.sort((a, b) => a.ms - b.ms);
}

/**
 * A contact counts while `nowMs` is less than `windowDays` after it. Refused when `maxContacts`
 * already count: reached on the day the count got there, lifting when enough have aged out.
 */
function limitRefusal(contacts: readonly Dated[], limit: FrequencyLimit, nowMs: number): { reachedMs: number; untilMs: number } | null {
  const windowMs = limit.windowDays * DAY_MS;
  const inWindow = contacts.filter((c) => c.ms > nowMs - windowMs);
  if (inWindow.length < limit.maxContacts) return null;
  const reached = inWindow[limit.maxContacts - 1]!;
  // One more is allowed once only maxContacts - 1 remain: when the (count - max + 1)th oldest ages out.
  const freeing = inWindow[inWindow.length - limit.maxContacts]!;
  return { reachedMs: reached.ms, untilMs: freeing.ms + windowMs };
}

type Treatment = Pick<TreatmentDefinition, "key" | "name" | "channel" | "goal" | "isNoAction">;

export type ContactPolicyInput = { policy: ContactPolicy; history: readonly ContactEvent[]; treatment: Treatment; now: string };

/**
 * Every rule of `policy` that a contact with `treatment` at `now` would break, given the
 * customer's `history`; empty when allowed. No action is never refused. Only contacts made and
 * answers given at or before `now` count; a planned contact does not (it is checked when approved).
 */
export function contactPolicyRefusals(input: ContactPolicyInput): ContactRefusal[] {
  const { policy, history, treatment, now } = input;
  const nowMs = Date.parse(now);
  if (treatment.isNoAction || treatment.channel === null || !Number.isFinite(nowMs)) return [];
  const refusals: ContactRefusal[] = [];

  if (policy.declineCooldownDays !== null) {
    const declines = pastEvents(history, nowMs, (e) => e.kind === "declined" && e.treatmentKey === treatment.key);
    const last = declines.at(-1);
    const untilMs = last ? last.ms + policy.declineCooldownDays * DAY_MS : 0;
    if (last && nowMs < untilMs) {
      refusals.push({ rule: "decline_cooldown", message: `declined on ${formatPolicyDay(last.ms, nowMs)}: not offered again until ${formatPolicyDay(untilMs, nowMs)} (${policy.declineCooldownDays}-day wait after a decline)`, until: isoAt(untilMs) });
    }
  }

  const suppression = policy.goalSuppression;
  if (suppression !== null && treatment.goal !== "none" && treatment.goal !== "") {
    const negatives = pastEvents(history, nowMs, (e) => isNegativeResponse(e) && e.goal === treatment.goal);
    const windowMs = suppression.windowDays * DAY_MS;
    // The latest run of maxNegative answers inside one window starts the pause that ends last.
    for (let i = negatives.length - 1; i >= suppression.maxNegative - 1; i--) {
      const first = negatives[i - suppression.maxNegative + 1]!;
      const last = negatives[i]!;
      if (last.ms - first.ms >= windowMs) continue;
      const untilMs = last.ms + suppression.pauseDays * DAY_MS;
      if (nowMs < untilMs) {
        const run = negatives.slice(i - suppression.maxNegative + 1, i + 1);
        const declined = run.filter((n) => n.event.kind === "declined").length;
        const ignored = run.length - declined;
        const answers = [declined > 0 ? plural(declined, "decline", "declines") : "", ignored > 0 ? plural(ignored, "ignored offer", "ignored offers") : ""].filter(Boolean).join(" and ");
        refusals.push({
          rule: "goal_paused",
          message: `${treatment.goal.replaceAll("_", " ")} offers paused until ${formatPolicyDay(untilMs, nowMs)} after ${answers} within ${suppression.windowDays} days (the last on ${formatPolicyDay(last.ms, nowMs)})`,
          until: isoAt(untilMs),
        });
      }
      break;
    }
  }

  if (policy.approvalCooldownDays !== null) {
    const approvals = pastEvents(history, nowMs, (e) => (e.kind === "approved" || e.kind === "overridden") && e.treatmentKey === treatment.key);
    const last = approvals.at(-1);
    const untilMs = last ? last.ms + policy.approvalCooldownDays * DAY_MS : 0;
    if (last) {
      if (nowMs < untilMs) {
        const what = last.event.kind === "overridden" ? "an override" : "an approval";
        refusals.push({ rule: "approval_cooldown", message: `cooldown until ${formatPolicyDay(untilMs, nowMs)} after ${what} on ${formatPolicyDay(last.ms, nowMs)} (${policy.approvalCooldownDays}-day wait between approvals)`, until: isoAt(untilMs) });
      }
    }
  }

  const contacts = pastEvents(history, nowMs, isContactMade);
  const channelLimit = policy.channelLimits[treatment.channel];
  if (channelLimit) {
    const hit = limitRefusal(contacts.filter((c) => c.event.channel === treatment.channel), channelLimit, nowMs);
    if (hit) {
      const name = CHANNEL_NAMES[treatment.channel];
      refusals.push({
        rule: "channel_limit",
        message: `the ${channelLimit.windowDays}-day ${name.one} limit of ${channelLimit.maxContacts} was reached on ${formatPolicyDay(hit.reachedMs, nowMs)}; no ${name.many} until ${formatPolicyDay(hit.untilMs, nowMs)}`,
        until: isoAt(hit.untilMs),
      });
    }
  }

  if (policy.overallLimit) {
    const hit = limitRefusal(contacts, policy.overallLimit, nowMs);
    if (hit) {
      refusals.push({
        rule: "overall_limit",
        message: `the ${policy.overallLimit.windowDays}-day limit of ${plural(policy.overallLimit.maxContacts, "contact", "contacts")} on all channels was reached on ${formatPolicyDay(hit.reachedMs, nowMs)}; no contact until ${formatPolicyDay(hit.untilMs, nowMs)}`,
        until: isoAt(hit.untilMs),
      });
    }
  }
  return refusals;
}

/**
 * The refusal that lasts longest (the one a reviewer has to wait out), the earlier rule of
 * `contactRules` on a tie; null when the contact is allowed.
 */
export function checkContactPolicy(input: ContactPolicyInput): ContactRefusal | null {
  let worst: ContactRefusal | null = null;
  for (const refusal of contactPolicyRefusals(input)) {
    if (worst === null || refusal.until > worst.until) worst = refusal;
  }
  return worst;
}

/** The policy in sentences, for the model and the screens: "at most 2 SMS in 7 days". */
export function describeContactPolicy(policy: ContactPolicy): string[] {
  const lines: string[] = [];
  for (const channel of channels) {
    const limit = policy.channelLimits[channel];
    if (limit) lines.push(`at most ${plural(limit.maxContacts, CHANNEL_NAMES[channel].one, CHANNEL_NAMES[channel].many)} in ${limit.windowDays} days`);
  }
  if (policy.overallLimit) lines.push(`at most ${plural(policy.overallLimit.maxContacts, "contact", "contacts")} on all channels in ${policy.overallLimit.windowDays} days`);
  if (policy.approvalCooldownDays !== null) lines.push(`a treatment is not repeated within ${policy.approvalCooldownDays} days of its approval`);
  if (policy.declineCooldownDays !== null) lines.push(`a treatment is not offered within ${policy.declineCooldownDays} days of the customer declining it`);
  const s = policy.goalSuppression;
  if (s) lines.push(`after ${s.maxNegative} declines or ignores of one goal within ${s.windowDays} days, that goal pauses for ${s.pauseDays} days`);
  return lines;
}
