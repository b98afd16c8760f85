// Managers steer capacity: a resource's limit and high-value reserve, lowering it below what is
// held by releasing the least valuable holds, and the start of a new period. Each change is one transaction under the capacity lock, so no run or review can commit
// units between the check and the write, and its audit entry lands with it or not at all.
import type pg from "pg";
import { z } from "zod";
import { plainText } from "../validations/text";
import { bindAllocationAgent } from "../agents/allocation/allocation-agent";
import type { LockedResource } from "../agents/allocation/capacity";
import type { AuditRecord, CapacityStore, ReviewUpdate } from "../agents/allocation/ports";
import { type HeldDecision, type HoldToShed, holdsToShed, shedNeed } from "../agents/scenario/shed";
import { AppError } from "../errors";

/** Who makes the change, as the audit log names them. */
export type ConstraintActor = { id: string | null; label: string };

const MAX_UNITS = 10_000_000;
const resourceKeySchema = z.string().trim().min(1, "Choose a resource.").max(200);
const reasonSchema = z
  .string("The reason must be text.")
  .trim()
  .max(500, "Keep the reason under 500 characters.")
  .pipe(z.union([z.literal(""), plainText("The reason", { max: 500 })]))
  .optional()
  .transform((s) => (s ? s : undefined));

// Form fields arrive as text: blank is "missing", anything else must read as a whole number.
const unitsField = (what: string) =>
  z.preprocess(
    (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : Number(v.trim())) : v),
    z
      .number({ error: (issue) => (issue.input === undefined ? `${what} is required.` : `${what} must be a whole number.`) })
      .int(`${what} must be a whole number.`)
      .min(0, `${what} cannot be negative.`)
      .max(MAX_UNITS, `${what} cannot exceed ${MAX_UNITS.toLocaleString("en-GB")}.`),
  );

export const updateConstraintInputSchema = z
  .object({
    resourceKey: resourceKeySchema,
    limit: unitsField("The limit"),
    reservedHighValue: unitsField("The high-value reserve"),
    reason: reasonSchema,
  })
  .strict()
  .refine((v) => v.reservedHighValue <= v.limit, {
    path: ["reservedHighValue"],
    message: "The high-value reserve cannot be larger than the limit.",
  });

export const resetPeriodInputSchema = z
  .object({
    resourceKey: resourceKeySchema,
    /** The period start the manager saw: a repeated or stale reset is answered, not applied twice. */
    expectedPeriodStart: z.iso.datetime({ offset: true, error: "The period start is not a valid time." }),
    reason: reasonSchema,
  })
  .strict();

export type UpdateConstraintInput = z.input<typeof updateConstraintInputSchema>;
export type ResetPeriodInput = z.input<typeof resetPeriodInputSchema>;

type LimitSnapshot = { limit: number; reservedHighValue: number };
type PeriodSnapshot = { periodStart: string; used: number; held: number; confirmed: number };

export type ConstraintUpdateResult =
  | { isChanged: false; message: string; resourceKey: string }
  | { isChanged: true; message: string; resourceKey: string; before: LimitSnapshot; after: LimitSnapshot };

export type PeriodResetResult =
  | { isReset: false; message: string; resourceKey: string; periodStart: string }
  | { isReset: true; message: string; resourceKey: string; before: PeriodSnapshot; after: PeriodSnapshot };

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;

function lockedResource(resources: Map<string, LockedResource>, key: string): LockedResource {
  const resource = resources.get(key);
  if (!resource) throw new AppError({ code: "not_found", userMessage: `There is no resource "${key}".` });
  return resource;
}

/** Why `limit` is refused for `resource`, or null when it is allowed. Units committed = used (confirmed + held). */
export function limitRefusal(resource: Pick<LockedResource, "used" | "held">, limit: number): string | null {
  if (limit >= resource.used) return null;
  const confirmed = resource.used - resource.held;
  const verb = (n: number) => (n === 1 ? "is" : "are");
  return (
    `The limit cannot go below ${resource.used.toLocaleString("en-GB")}: ${confirmed.toLocaleString("en-GB")} ${verb(confirmed)} confirmed ` +
    `and ${resource.held.toLocaleString("en-GB")} ${verb(resource.held)} held awaiting review.`
  );
}

/**
 * Sets a resource's limit and high-value reserve. Refuses a limit below the units already
 * committed this period (confirmed + held); the same values again change nothing and log nothing.
 */
export async function updateConstraint(opts: { store: CapacityStore; actor: ConstraintActor; input: UpdateConstraintInput }): Promise<ConstraintUpdateResult> {
  const { resourceKey, limit, reservedHighValue, reason } = updateConstraintInputSchema.parse(opts.input);
  return opts.store.transact<ConstraintUpdateResult>(async (capacity) => {
    const resource = lockedResource(capacity.resources, resourceKey);
    const before: LimitSnapshot = { limit: resource.limit, reservedHighValue: resource.reservedHighValue };
    if (before.limit === limit && before.reservedHighValue === reservedHighValue) {
      return { value: { isChanged: false, resourceKey, message: `No change: ${resource.name} already has these values.` } };
    }
    const refusal = limitRefusal(resource, limit);
    if (refusal) throw new AppError({ code: "conflict", userMessage: refusal });

    resource.limit = limit;
    resource.reservedHighValue = reservedHighValue;
    const after: LimitSnapshot = { limit, reservedHighValue };
    const audit: AuditRecord = {
      actorId: opts.actor.id,
      actorLabel: opts.actor.label,
      action: "constraint.update",
      entityType: "ResourceConstraint",
      entityId: resourceKey,
      before,
      after,
      reason: reason ?? null,
    };
    const message = `${resource.name}: limit ${before.limit} → ${limit}, high-value reserve ${before.reservedHighValue} → ${reservedHighValue}.`;
    return { value: { isChanged: true, resourceKey, message, before, after }, writes: { audit: [audit] } };
  });
}

function periodSnapshot(r: LockedResource): PeriodSnapshot {
  return { periodStart: r.periodStart, used: r.used, held: r.held, confirmed: r.used - r.held };
}

/**
 * Starts a new period of one resource through the allocation agent: confirmed units belong to the
 * old period and are freed, holds awaiting review carry over. Applied only when the period is
 * still the one the manager saw, so a double submit resets once.
 */
export async function resetConstraintPeriod(opts: { store: CapacityStore; actor: ConstraintActor; input: ResetPeriodInput }): Promise<PeriodResetResult> {
  const { resourceKey, expectedPeriodStart, reason } = resetPeriodInputSchema.parse(opts.input);
  return opts.store.transact<PeriodResetResult>(async (capacity) => {
    const resource = lockedResource(capacity.resources, resourceKey);
    if (new Date(resource.periodStart).getTime() !== new Date(expectedPeriodStart).getTime()) {
      return {
        value: {
          isReset: false,
          resourceKey,
          periodStart: resource.periodStart,
          message: `No change: a new period of ${resource.name} had already started.`,
        },
      };
    }
    const before = periodSnapshot(resource);
    const agent = bindAllocationAgent({ capacity, catalog: [] });
    const response = await agent.process({ type: "reset_constraints", resourceKeys: [resourceKey], actor: opts.actor.label });
    if (!response.ok) throw new Error(`The period could not be reset: ${response.error.reason}`);
    const after = periodSnapshot(lockedResource(capacity.resources, resourceKey));
    const audit: AuditRecord = {
      actorId: opts.actor.id,
      actorLabel: opts.actor.label,
      action: "constraint.reset_period",
      entityType: "ResourceConstraint",
      entityId: resourceKey,
      before,
      after,
      reason: reason ?? null,
    };
    const message = `${resource.name}: a new period started; ${plural(before.confirmed, "confirmed unit was", "confirmed units were")} freed and ${plural(before.held, "held unit carries", "held units carry")} over.`;
    return { value: { isReset: true, resourceKey, message, before, after }, writes: { audit: [audit] } };
  });
}

export const shedHoldsInputSchema = z
  .object({
    resourceKey: resourceKeySchema,
    limit: unitsField("The limit"),
    reservedHighValue: unitsField("The high-value reserve"),
    /** The holds the manager was shown and agreed to release: the change goes ahead only if they are still exactly the ones to release. */
    releaseIds: z.array(z.string().uuid("Not a recommendation id.")).min(1, "Choose the holds to release.").max(10_000),
    reason: reasonSchema,
  })
  .strict()
  .refine((v) => v.reservedHighValue <= v.limit, {
    path: ["reservedHighValue"],
    message: "The high-value reserve cannot be larger than the limit.",
  });

export type ShedHoldsInput = z.input<typeof shedHoldsInputSchema>;

/** A hold the lower limit would release, as the manager sees it (GBP). */
export type HoldToRelease = HoldToShed & { customerName: string; treatmentName: string };

export type LimitPreview = {
  resourceKey: string;
  name: string;
  limit: number;
  newLimit: number;
  used: number;
  held: number;
  unitsToShed: number;
  /** GBP per unit the holds are priced at when ranked; 0 until prices are stored. */
  price: number;
  /** Why the new limit cannot be reached even by releasing every hold; null when it can. */
  refusal: string | null;
  holds: HoldToRelease[];
  /** GBP of expected value the released decisions carried. */
  valueReleased: number;
};

type HeldRow = HeldDecision & { customerName: string; treatmentName: string };

/** Live holds on a resource: pending decisions whose newest capacity row (denials aside) is a hold. */
async function readHolds(pool: Pick<pg.Pool, "query">, resourceKey: string): Promise<HeldRow[]> {
  const { rows } = await pool.query<HeldRow>(
    `SELECT r.id AS "recommendationId", r."customerId", c.name AS "customerName", a."treatmentKey", t.name AS "treatmentName",
            a.units, r."expectedValue"::float8 AS "expectedValue", a.priority
       FROM "Recommendation" r
       CROSS JOIN LATERAL (
         SELECT "resourceKey", "treatmentKey", units, priority, outcome FROM "Allocation"
          WHERE "recommendationId" = r.id AND outcome <> 'denied' ORDER BY id DESC LIMIT 1
       ) a
       JOIN "Customer" c ON c.id = r."customerId"
       JOIN "Treatment" t ON t.key = a."treatmentKey"
      WHERE r.status = 'pending_review' AND a.outcome = 'held' AND a."resourceKey" = $1`,
    [resourceKey],
  );
  return rows;
}

function shedRefusal(resource: Pick<LockedResource, "name" | "used" | "held">): string {
  const confirmed = resource.used - resource.held;
  return `${resource.name}: the limit cannot go below ${confirmed.toLocaleString("en-GB")}, the units already confirmed; releasing every hold frees only ${resource.held.toLocaleString("en-GB")}.`;
}

/**
 * What lowering `resourceKey` to `limit` would release: the holds of lowest value net of price that
 * free the units above the new limit. Reads only; the price is 0 until prices are stored, so the
 * holds rank by their expected value.
 */
export async function previewLimitChange(pool: Pick<pg.Pool, "query">, input: { resourceKey: string; limit: number; price?: number }): Promise<LimitPreview> {
  const { rows } = await pool.query<Pick<LockedResource, "name" | "limit" | "used" | "held">>(`SELECT name, "limit", used, held FROM "ResourceConstraint" WHERE key = $1`, [input.resourceKey]);
  const resource = rows[0];
  if (!resource) throw new AppError({ code: "not_found", userMessage: `There is no resource "${input.resourceKey}".` });
  const price = input.price ?? 0;
  const { unitsToShed, isPossible } = shedNeed(resource, input.limit);
  const holds = isPossible && unitsToShed > 0 ? await readHolds(pool, input.resourceKey) : [];
  const heldUnits = holds.reduce((s, h) => s + h.units, 0);
  // Counters that promise more held units than decisions hold cannot be shed to the new limit: say so instead of offering too few.
  const shortfall = isPossible && heldUnits < unitsToShed ? `${resource.name}: only ${heldUnits.toLocaleString("en-GB")} held units belong to decisions awaiting review; the limit cannot go below ${(resource.used - heldUnits).toLocaleString("en-GB")}.` : null;
  const chosen = shortfall ? [] : holdsToShed(holds, { unitsToShed, price });
  const named = new Map(holds.map((h) => [h.recommendationId, h]));
  return {
    resourceKey: input.resourceKey,
    name: resource.name,
    limit: resource.limit,
    newLimit: input.limit,
    used: resource.used,
    held: resource.held,
    unitsToShed,
    price,
    refusal: isPossible ? shortfall : shedRefusal(resource),
    holds: chosen.map((h) => ({ ...h, customerName: named.get(h.recommendationId)!.customerName, treatmentName: named.get(h.recommendationId)!.treatmentName })),
    valueReleased: Math.round(chosen.reduce((s, h) => s + h.expectedValue, 0) * 100) / 100,
  };
}

export type ShedHoldsResult = { message: string; resourceKey: string; released: string[]; before: LimitSnapshot & { used: number; held: number }; after: LimitSnapshot & { used: number; held: number } };

/**
 * Lowers a limit below what is held, releasing the holds the preview showed, in one transaction
 * under the capacity lock: the release history, the counters, the released decisions (rejected by
 * the manager, with the lowered limit as the reason, so the customer is free for the next run) and
 * the audit entry commit together. Refused when the holds to release are no longer exactly those shown.
 */
export async function shedHolds(opts: { pool: Pick<pg.Pool, "query">; store: CapacityStore; actor: ConstraintActor; input: ShedHoldsInput }): Promise<ShedHoldsResult> {
  const { resourceKey, limit, reservedHighValue, releaseIds, reason } = shedHoldsInputSchema.parse(opts.input);
  // Read before the lock (it names customers and treatments), then checked under it: any hold taken or released since makes the totals differ.
  const holds = await readHolds(opts.pool, resourceKey);
  return opts.store.transact<ShedHoldsResult>(async (capacity) => {
    const resource = lockedResource(capacity.resources, resourceKey);
    const { unitsToShed, isPossible } = shedNeed(resource, limit);
    if (!isPossible) throw new AppError({ code: "conflict", userMessage: shedRefusal(resource) });
    if (unitsToShed === 0) throw new AppError({ code: "conflict", userMessage: `${resource.name}: ${limit} is not below what is committed (${resource.used}); change the limit without releasing anything.` });

    const ids = holds.map((h) => h.recommendationId);
    const [latest, states] = await Promise.all([capacity.latestFor(ids), capacity.loadRecommendations(ids)]);
    const isStillHeld = holds.every((h) => latest.get(h.recommendationId)?.outcome === "held" && states.get(h.recommendationId)?.status === "pending_review");
    const heldUnits = holds.reduce((s, h) => s + h.units, 0);
    const chosen = holdsToShed(holds, { unitsToShed, price: 0 });
    const chosenIds = chosen.map((h) => h.recommendationId).sort();
    const asked = [...new Set(releaseIds)].sort();
    if (!isStillHeld || heldUnits !== resource.held || chosenIds.join() !== asked.join()) {
      throw new AppError({ code: "conflict", userMessage: `The holds on ${resource.name} changed since the preview; look at the new list before lowering the limit.` });
    }

    const before = { limit: resource.limit, reservedHighValue: resource.reservedHighValue, used: resource.used, held: resource.held };
    const releaseReason = `capacity released when ${resource.name} was lowered to ${limit.toLocaleString("en-GB")}`;
    const agent = bindAllocationAgent({ capacity, catalog: [] });
    const response = await agent.process({ type: "release_allocation", recommendationIds: chosenIds, actor: opts.actor.label, reason: releaseReason });
    if (!response.ok || response.type !== "release_allocation" || response.data.released.length !== chosenIds.length) {
      throw new Error(`Releasing ${chosenIds.length} holds on ${resourceKey} did not release them all`);
    }
    resource.limit = limit;
    resource.reservedHighValue = reservedHighValue;
    const after = { limit, reservedHighValue, used: resource.used, held: resource.held };
    const reviews: ReviewUpdate[] = chosenIds.map((recommendationId) => ({
      recommendationId,
      status: "rejected",
      reviewedById: opts.actor.id,
      reason: `Capacity released when ${resource.name} was lowered to ${limit.toLocaleString("en-GB")}`,
    }));
    const audit: AuditRecord = {
      actorId: opts.actor.id,
      actorLabel: opts.actor.label,
      action: "constraint.shed_holds",
      entityType: "ResourceConstraint",
      entityId: resourceKey,
      before,
      after: { ...after, released: chosen.map((h) => ({ recommendationId: h.recommendationId, customerId: h.customerId, treatmentKey: h.treatmentKey, units: h.units, expectedValue: h.expectedValue })) },
      reason: reason ?? null,
    };
    const message = `${resource.name}: limit ${before.limit} → ${limit}; ${plural(chosenIds.length, "hold was", "holds were")} released and ${chosenIds.length === 1 ? "its decision" : "their decisions"} rejected.`;
    return { value: { message, resourceKey, released: chosenIds, before, after }, writes: { reviews, audit: [audit] } };
  });
}
