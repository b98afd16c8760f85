// Managers steer capacity: a resource's limit and high-value reserve, and the start of a new
// period. Each change is one transaction under the capacity lock, so no run or review can commit
// units between the check and the write, and its audit entry lands with it or not at all.
import { z } from "zod";
import { plainText } from "../validations/text";
import { bindAllocationAgent } from "../agents/allocation/allocation-agent";
import type { LockedResource } from "../agents/allocation/capacity";
import type { AuditRecord, CapacityStore } from "../agents/allocation/ports";
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
