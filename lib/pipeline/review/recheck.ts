// What a decision depended on may have changed while it waited for review: consent withdrawn, the
// treatment deactivated, the customer no longer eligible, or a contact policy limit reached by
// another approval. Approvals and overrides check it all again inside their own transaction, with
// the same compliance code the agents decide with, and name the rule that refuses.
import type { ReviewFacts } from "../../agents/allocation/ports";
import type { Channel, CustomerData, Exclusion, JourneyAnalysis } from "../../agents/domain";
import { createJourneyAgent } from "../../agents/journey/journey-agent";
import { contactHistoryOf } from "../../agents/rules/contact-history";
import { formatPolicyDay } from "../../agents/rules/contact-policy";
import { channelName, checkComplianceWithReasons } from "../../agents/treatment/compliance";
import { AppError } from "../../errors";
import type { ReviewActionOf, ReviewContext } from "./types";

const journeyAgent = createJourneyAgent();

/** One recommendation to re-check: whose it is and the treatment it would send. */
type Target = { recommendationId: string; customerId: string; treatmentKey: string };

async function analysisOf(data: CustomerData, asOf: string): Promise<JourneyAnalysis> {
  const built = await journeyAgent.process({ type: "build_journey", data });
  if (!built.ok || built.type !== "build_journey") throw new Error(`Journey of ${data.profile.id} could not be built: ${built.ok ? built.type : built.error.reason}`);
  const analyzed = await journeyAgent.process({ type: "analyze_journey", journey: built.data, profile: data.profile, asOf });
  if (!analyzed.ok || analyzed.type !== "analyze_journey") throw new Error(`Journey of ${data.profile.id} could not be analysed: ${analyzed.ok ? analyzed.type : analyzed.error.reason}`);
  return analyzed.data;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A reason as a reviewer reads it: consent with the day it was withdrawn, eligibility marked as such. */
function describe(reason: Exclusion, opts: { channel: Channel | null; data: CustomerData; changedAt: Partial<Record<Channel, string>> | undefined; nowMs: number }): string {
  if (reason.rule === "consent" && opts.channel) {
    const name = channelName(opts.channel);
    const permission = opts.data.permissions.channels.find((c) => c.channel === opts.channel);
    const changedAt = opts.changedAt?.[opts.channel];
    if (permission && !permission.marketing && changedAt) return `${capitalise(name)} marketing consent was withdrawn on ${formatPolicyDay(Date.parse(changedAt), opts.nowMs)}`;
    if (!permission) return `no ${name} marketing consent is recorded`;
  }
  if (reason.rule === "eligibility") return `not eligible: ${reason.message}`;
  return reason.message;
}

/**
 * Why each target may not be sent now, keyed by recommendation; targets that may be sent are
 * absent. Contact timing is not a refusal here: approving at night plans the contact for the morning.
 */
export async function refusalsOf(ctx: Pick<ReviewContext<never>, "capacity" | "catalogByKey" | "now">, targets: readonly Target[]): Promise<Map<string, string>> {
  const refusals = new Map<string, string>();
  if (targets.length === 0) return refusals;
  if (!ctx.capacity.readReviewFacts) throw new Error("This capacity store cannot read what a review re-checks");
  const facts: ReviewFacts = await ctx.capacity.readReviewFacts([...new Set(targets.map((t) => t.customerId))]);
  const nowMs = Date.parse(ctx.now);
  for (const target of targets) {
    const treatment = facts.catalog.find((t) => t.key === target.treatmentKey);
    if (!treatment) {
      const name = facts.treatmentNames.get(target.treatmentKey);
      refusals.set(target.recommendationId, name ? `${name} is no longer active in the catalog` : `treatment "${target.treatmentKey}" is not an active treatment`);
      continue;
    }
    const data = facts.customers.get(target.customerId);
    if (!data) {
      refusals.set(target.recommendationId, `customer ${target.customerId} no longer exists`);
      continue;
    }
    const { reasons } = checkComplianceWithReasons({
      treatmentKey: treatment.key,
      catalog: facts.catalog,
      customer: data.profile,
      analysis: await analysisOf(data, ctx.now),
      permissions: data.permissions,
      now: ctx.now,
      contactPolicy: facts.contactPolicy,
      contactHistory: contactHistoryOf(data, facts.catalog),
    });
    const blocking = reasons.filter((r) => r.rule !== "contact_time");
    if (blocking.length === 0) continue;
    const changedAt = facts.consentChangedAt.get(target.customerId);
    const described = blocking.map((r) => describe(r, { channel: treatment.channel, data, changedAt, nowMs }));
    refusals.set(target.recommendationId, `${treatment.name}: ${described.join("; ")}`);
  }
  return refusals;
}

/** Leaves every approval that may no longer be sent pending, its hold untouched, with the rule that refused it. */
export async function recheckApprovals(ctx: ReviewContext<ReviewActionOf<"approve">>): Promise<void> {
  const targets: Target[] = [];
  for (const id of ctx.pending) {
    const state = ctx.states.get(id)!;
    if (state.treatmentKey) targets.push({ recommendationId: id, customerId: state.customerId, treatmentKey: state.treatmentKey });
  }
  for (const [id, reason] of await refusalsOf(ctx, targets)) ctx.skip(id, reason);
}

/** Refuses an override to a treatment that may not be sent now, naming the rule; the recommendation keeps its treatment and hold. */
export async function recheckOverride(ctx: ReviewContext<ReviewActionOf<"override">>): Promise<void> {
  const id = ctx.pending[0];
  if (id === undefined) return;
  const state = ctx.states.get(id)!;
  if (state.treatmentKey === ctx.action.treatmentKey) return;
  if (ctx.catalogByKey.get(ctx.action.treatmentKey)?.isNoAction) {
    throw new AppError({ code: "invalid_input", userMessage: "Not overridden: no action contacts nobody; to send nothing, reject the recommendation." });
  }
  const refusal = (await refusalsOf(ctx, [{ recommendationId: id, customerId: state.customerId, treatmentKey: ctx.action.treatmentKey }])).get(id);
  if (refusal) throw new AppError({ code: "invalid_input", userMessage: `Not overridden: ${refusal}. The recommendation keeps its treatment and capacity.` });
}
