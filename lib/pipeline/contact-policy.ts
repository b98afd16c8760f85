// The contact policy in PostgreSQL: one row per rule, read when a run starts and inside every
// approval's transaction, and changed by managers one rule at a time (locked, changed and audited
// together). A rule with no row (after a demo reset cleared the table) reads as its default, so a
// database never runs without the policy.
import type pg from "pg";
import { z } from "zod";
import type { Channel } from "../agents/domain";
import { type ContactPolicy, MAX_POLICY_CONTACTS, MAX_POLICY_DAYS } from "../agents/rules/contact-policy";
import { changedFields, writeAudit } from "../audit/write";
import type { Actor } from "../auth/roles";
import { withTransaction } from "../database/transaction";
import { AppError } from "../errors";
import { plainText } from "../validations/text";

export const contactPolicyRuleKinds = ["channel_limit", "overall_limit", "approval_cooldown", "decline_cooldown", "goal_suppression"] as const;
export type ContactPolicyRuleKind = (typeof contactPolicyRuleKinds)[number];

/** A rule's numbers: `maxCount` for limits and pauses, `pauseDays` for pauses only. */
export type RuleValues = { isEnabled: boolean; maxCount: number | null; windowDays: number; pauseDays: number | null };

export type ContactPolicyRule = RuleValues & {
  key: string;
  kind: ContactPolicyRuleKind;
  channel: Channel | null;
  /** Bumped by every change, so a form saved over someone else's change is refused. */
  version: number;
  /** ISO time of the last change; null for a rule still at its default without a row. */
  updatedAt: string | null;
};

type RuleIdentity = { key: string; kind: ContactPolicyRuleKind; channel: Channel | null };

/** The rows the contact_policy migration inserts, in the order the screen shows them. */
export const DEFAULT_POLICY_RULES: readonly (RuleIdentity & RuleValues)[] = [
  { key: "channel_limit:call", kind: "channel_limit", channel: "call", isEnabled: true, maxCount: 1, windowDays: 14, pauseDays: null },
  { key: "channel_limit:sms", kind: "channel_limit", channel: "sms", isEnabled: true, maxCount: 2, windowDays: 7, pauseDays: null },
  { key: "channel_limit:email", kind: "channel_limit", channel: "email", isEnabled: true, maxCount: 3, windowDays: 7, pauseDays: null },
  { key: "channel_limit:push", kind: "channel_limit", channel: "push", isEnabled: false, maxCount: 3, windowDays: 7, pauseDays: null },
  { key: "channel_limit:mail", kind: "channel_limit", channel: "mail", isEnabled: false, maxCount: 1, windowDays: 30, pauseDays: null },
  { key: "overall_limit", kind: "overall_limit", channel: null, isEnabled: true, maxCount: 4, windowDays: 7, pauseDays: null },
  { key: "approval_cooldown", kind: "approval_cooldown", channel: null, isEnabled: true, maxCount: null, windowDays: 30, pauseDays: null },
  { key: "decline_cooldown", kind: "decline_cooldown", channel: null, isEnabled: true, maxCount: null, windowDays: 90, pauseDays: null },
  { key: "goal_suppression", kind: "goal_suppression", channel: null, isEnabled: true, maxCount: 2, windowDays: 30, pauseDays: 60 },
];

type Row = { key: string; kind: string; channel: string | null; isEnabled: boolean; maxCount: number | null; windowDays: number; pauseDays: number | null; version: number; updatedAt: string };

const RULES_SQL = `SELECT key, kind::text AS kind, channel::text AS channel, "isEnabled", "maxCount", "windowDays", "pauseDays", version,
                          to_char("updatedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"
                     FROM "ContactPolicyRule"`;

/** Every rule of the policy in screen order, stored values over the defaults. */
export async function listContactPolicyRules(db: pg.Pool | pg.ClientBase): Promise<ContactPolicyRule[]> {
  const { rows } = await db.query<Row>(RULES_SQL);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return DEFAULT_POLICY_RULES.map((d) => {
    const row = byKey.get(d.key);
    if (!row) return { ...d, version: 0, updatedAt: null };
    return { key: d.key, kind: d.kind, channel: d.channel, isEnabled: row.isEnabled, maxCount: row.maxCount, windowDays: row.windowDays, pauseDays: row.pauseDays, version: row.version, updatedAt: row.updatedAt };
  });
}

/** The policy the agents read: enabled rules only, a disabled or half-set rule switched off. */
export function policyFromRules(rules: readonly (RuleIdentity & RuleValues)[]): ContactPolicy {
  const policy: ContactPolicy = { channelLimits: {}, overallLimit: null, approvalCooldownDays: null, declineCooldownDays: null, goalSuppression: null };
  for (const r of rules) {
    if (!r.isEnabled) continue;
    switch (r.kind) {
      case "channel_limit":
        if (r.channel && r.maxCount !== null) policy.channelLimits[r.channel] = { maxContacts: r.maxCount, windowDays: r.windowDays };
        break;
      case "overall_limit":
        if (r.maxCount !== null) policy.overallLimit = { maxContacts: r.maxCount, windowDays: r.windowDays };
        break;
      case "approval_cooldown":
        policy.approvalCooldownDays = r.windowDays;
        break;
      case "decline_cooldown":
        policy.declineCooldownDays = r.windowDays;
        break;
      case "goal_suppression":
        if (r.maxCount !== null && r.pauseDays !== null) policy.goalSuppression = { maxNegative: r.maxCount, windowDays: r.windowDays, pauseDays: r.pauseDays };
        break;
    }
  }
  return policy;
}

/** The contact policy in force now; inside a transaction, pass its client to read what it sees. */
export async function loadContactPolicy(db: pg.Pool | pg.ClientBase): Promise<ContactPolicy> {
  return policyFromRules(await listContactPolicyRules(db));
}

// Form fields arrive as text: blank is "missing", anything else must read as a whole number.
const wholeNumber = (what: string, max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : Number(v.trim())) : v),
    z
      .number({ error: (issue) => (issue.input === undefined ? `${what} is required.` : `${what} must be a whole number.`) })
      .int(`${what} must be a whole number.`)
      .min(1, `${what} is at least 1.`)
      .max(max, `${what} is at most ${max}.`),
  );
const optionalNumber = (what: string, max: number) => z.preprocess((v) => (v === "" || v === null ? undefined : v), wholeNumber(what, max).optional());

export const updateContactPolicyRuleInputSchema = z
  .object({
    key: z.enum(DEFAULT_POLICY_RULES.map((r) => r.key) as [string, ...string[]], "Choose a rule of the contact policy."),
    isEnabled: z.preprocess((v) => (v === "on" || v === "true" ? true : v === "false" || v === undefined ? false : v), z.boolean("Say whether the rule is on.")),
    maxCount: optionalNumber("The number of contacts", MAX_POLICY_CONTACTS),
    windowDays: wholeNumber("The number of days", MAX_POLICY_DAYS),
    pauseDays: optionalNumber("The pause", MAX_POLICY_DAYS),
    /** The version the manager saw: a save over someone else's change is refused, not merged. */
    version: z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v), z.number().int().min(0).optional()),
    reason: z
      .string("The reason must be text.")
      .trim()
      .max(500, "Keep the reason under 500 characters.")
      .pipe(z.union([z.literal(""), plainText("The reason", { max: 500 })]))
      .optional()
      .transform((s) => (s ? s : undefined)),
  })
  .strict()
  .superRefine((v, ctx) => {
    const kind = DEFAULT_POLICY_RULES.find((r) => r.key === v.key)?.kind;
    const needsCount = kind === "channel_limit" || kind === "overall_limit" || kind === "goal_suppression";
    if (needsCount && v.maxCount === undefined) ctx.addIssue({ code: "custom", path: ["maxCount"], message: kind === "goal_suppression" ? "Say after how many declines or ignores the goal pauses." : "Say how many contacts are allowed." });
    if (kind === "goal_suppression" && v.pauseDays === undefined) ctx.addIssue({ code: "custom", path: ["pauseDays"], message: "Say how many days the goal pauses." });
  });

export type UpdateContactPolicyRuleInput = z.input<typeof updateContactPolicyRuleInputSchema>;

export type ContactPolicyRuleUpdateResult =
  | { isChanged: false; key: string; message: string }
  | { isChanged: true; key: string; message: string; before: Partial<RuleValues>; after: Partial<RuleValues> };

const CHANNEL_LIMIT_LABELS: Record<Channel, string> = { call: "Call limit", sms: "SMS limit", email: "Email limit", push: "Push message limit", mail: "Letter limit" };

/** "SMS limit", "Cooldown after an approval": how the screen and messages name a rule. */
export function ruleLabel(rule: Pick<RuleIdentity, "kind" | "channel">): string {
  switch (rule.kind) {
    case "channel_limit":
      return CHANNEL_LIMIT_LABELS[rule.channel ?? "email"];
    case "overall_limit":
      return "Limit on all channels";
    case "approval_cooldown":
      return "Cooldown after an approval";
    case "decline_cooldown":
      return "Wait after a decline";
    case "goal_suppression":
      return "Goal pause after declines";
  }
}

/**
 * Changes one rule once: locked, compared, written and audited (changed fields only) in one
 * transaction; the same values again change and log nothing. Decisions already made keep what they
 * were decided under; the next decision and every approval from now on read the new values.
 */
export async function updateContactPolicyRule(pool: pg.Pool, opts: { actor: Actor; input: UpdateContactPolicyRuleInput }): Promise<ContactPolicyRuleUpdateResult> {
  const { key, reason, version, ...fields } = updateContactPolicyRuleInputSchema.parse(opts.input);
  const rule = DEFAULT_POLICY_RULES.find((r) => r.key === key)!;
  const next: RuleValues = {
    isEnabled: fields.isEnabled,
    maxCount: rule.kind === "approval_cooldown" || rule.kind === "decline_cooldown" ? null : (fields.maxCount ?? null),
    windowDays: fields.windowDays,
    pauseDays: rule.kind === "goal_suppression" ? (fields.pauseDays ?? null) : null,
  };
  const label = ruleLabel(rule);
  return withTransaction(pool, async (client) => {
    // A rule cleared by a demo reset comes back as its default before it is changed.
    await client.query(
      `INSERT INTO "ContactPolicyRule" (key, kind, channel, "isEnabled", "maxCount", "windowDays", "pauseDays", "updatedAt")
       VALUES ($1, $2::"ContactPolicyRuleKind", $3::"Channel", $4, $5, $6, $7, now()) ON CONFLICT (key) DO NOTHING`,
      [rule.key, rule.kind, rule.channel, rule.isEnabled, rule.maxCount, rule.windowDays, rule.pauseDays],
    );
    const { rows } = await client.query<RuleValues & { version: number }>(
      `SELECT "isEnabled", "maxCount", "windowDays", "pauseDays", version FROM "ContactPolicyRule" WHERE key = $1 FOR UPDATE`,
      [key],
    );
    const row = rows[0]!;
    if (version !== undefined && version !== row.version) {
      throw new AppError({ code: "conflict", userMessage: `${label} was changed by someone else meanwhile; reload to see the current values before changing it.` });
    }
    const current: RuleValues = { isEnabled: row.isEnabled, maxCount: row.maxCount, windowDays: row.windowDays, pauseDays: row.pauseDays };
    const diff = changedFields(current, next);
    if (!diff) return { isChanged: false, key, message: `No change: the ${label.toLowerCase()} already has these values.` };
    await client.query(
      `UPDATE "ContactPolicyRule" SET "isEnabled" = $2, "maxCount" = $3, "windowDays" = $4, "pauseDays" = $5, version = version + 1, "updatedAt" = now() WHERE key = $1`,
      [key, next.isEnabled, next.maxCount, next.windowDays, next.pauseDays],
    );
    await writeAudit(client, { actor: opts.actor, action: "contact_policy.update", entityType: "ContactPolicyRule", entityId: key, ...diff, reason: reason ?? null });
    return { isChanged: true, key, message: `${label}: saved. The next decision and every approval from now on follow it.`, ...diff };
  });
}

function times(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

const CHANNEL_WORDS: Record<Channel, { one: string; many: string }> = {
  email: { one: "email", many: "emails" },
  sms: { one: "SMS", many: "SMS" },
  call: { one: "call", many: "calls" },
  push: { one: "push message", many: "push messages" },
  mail: { one: "letter", many: "letters" },
};

/** What a rule does with its numbers, in one sentence: "At most 2 SMS to a customer in any 7 days." */
export function describeRule(rule: Pick<ContactPolicyRule, "kind" | "channel" | "maxCount" | "windowDays" | "pauseDays">): string {
  const count = rule.maxCount ?? 0;
  const days = times(rule.windowDays, "day", "days");
  switch (rule.kind) {
    case "channel_limit": {
      const words = CHANNEL_WORDS[rule.channel ?? "email"];
      return `At most ${times(count, words.one, words.many)} to a customer in any ${days}.`;
    }
    case "overall_limit":
      return `At most ${times(count, "contact", "contacts")} to a customer on all channels together in any ${days}.`;
    case "approval_cooldown":
      return `A treatment is not sent to a customer again within ${days} of its approval.`;
    case "decline_cooldown":
      return `A treatment is not offered again within ${days} of the customer declining it.`;
    case "goal_suppression":
      return `After ${times(count, "decline or ignored offer", "declines or ignored offers")} of one goal within ${days}, that goal pauses for ${times(rule.pauseDays ?? 0, "day", "days")}.`;
  }
}
