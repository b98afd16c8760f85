// Review decisions on recommendations. Each call is one transaction under the capacity lock:
// the status change, the capacity it confirms, releases or moves, and the audit entries land together.
import type pg from "pg";
import { invalidateCustomerData } from "../agents/data/data-agent";
import { bindAllocationAgent } from "../agents/allocation/allocation-agent";
import { toStatus } from "../agents/allocation/capacity";
import type { AllocationRecord, AuditRecord, CapacityStore, LatestAllocation, LockedCapacity, ReviewUpdate } from "../agents/allocation/ports";
import type { TreatmentDefinition } from "../agents/domain";
import type { CustomerFacts } from "../agents/treatment/compliance";
import { isHighValueTier } from "../agents/rules/value-tier";
import { AppError } from "../errors";
import { type OverrideOption, customerFactsOf, loadCustomerJourney, overrideOptions } from "./customer-journey";

export type Reviewer = { id: string | null; label: string };

export type ReviewOutcome = {
  /** Recommendations whose status changed now. */
  done: string[];
  /** Ones left as they were, with the reason (already reviewed, unknown id, no capacity...). */
  skipped: { recommendationId: string; reason: string }[];
};

/** The skip reason of an id that names no recommendation. */
export const NO_SUCH_RECOMMENDATION = "No such recommendation";

export type ReviewAction =
  | { kind: "approve" }
  | { kind: "reject"; reason: string }
  | { kind: "override"; treatmentKey: string; reason: string };

/** The customer's facts now, for re-checking an override; null when the customer is gone. */
export type LoadFacts = (customerId: string) => Promise<CustomerFacts | null>;

/** What a recommendation's earlier allocation says about serving it again. */
type Claim = { priority: number; isHighValue: boolean };

/**
 * The locked capacity with its own unsaved history visible: a hold recorded earlier in this
 * transaction is live for a confirm later in it.
 */
function seeingOwnWrites(capacity: LockedCapacity): LockedCapacity & { ownDenial(recommendationId: string): AllocationRecord | undefined } {
  const recorded = new Map<string, LatestAllocation>();
  const denials = new Map<string, AllocationRecord>();
  return {
    ownDenial: (recommendationId) => denials.get(recommendationId),
    resources: capacity.resources,
    now: capacity.now,
    loadRecommendations: (ids) => capacity.loadRecommendations(ids),
    pendingFor: (customerIds) => capacity.pendingFor(customerIds),
    record: (row) => {
      capacity.record(row);
      // A denial changes no hold, so it never stands as a recommendation's latest state.
      if (row.recommendationId && row.outcome === "denied") denials.set(row.recommendationId, row);
      else if (row.recommendationId) recorded.set(row.recommendationId, { ...row, createdAt: capacity.now });
    },
    latestFor: async (ids) => {
      const latest = await capacity.latestFor(ids);
      for (const id of ids) {
        const own = recorded.get(id);
        if (own) latest.set(id, own);
      }
      return latest;
    },
  };
}

function statusWord(status: string): string {
  return status.replace("_", " ");
}

const ACTION_STATUS = { approve: "approved", reject: "rejected", override: "overridden" } as const;

/**
 * Approves (confirming held capacity), rejects (releasing it) or overrides (moving it to another
 * allowed treatment) pending recommendations. Repeated or concurrent calls change each
 * recommendation once; capacity is never committed beyond a limit. An approval whose treatment
 * needs capacity but holds none takes it now or is skipped when none is left. An override takes
 * exactly one id and is refused with an AppError when the treatment is not allowed or has no room.
 */
export async function reviewRecommendations(opts: {
  store: CapacityStore;
  catalog: TreatmentDefinition[];
  recommendationIds: string[];
  action: ReviewAction;
  reviewer: Reviewer;
  /** Needed for overrides. */
  loadFacts?: LoadFacts;
  /** ISO time contacts are planned at (overrides); defaults to now. */
  now?: string;
}): Promise<ReviewOutcome> {
  const ids = [...new Set(opts.recommendationIds)];
  const { action } = opts;
  if (action.kind === "override" && ids.length !== 1) {
    throw new AppError({ code: "invalid_input", userMessage: "Override one recommendation at a time." });
  }
  const catalog = new Map(opts.catalog.map((t) => [t.key, t]));
  // A refused override rolls its transaction back; the denied attempt is still history, written after.
  let deniedAttempt: AllocationRecord | null = null;
  const review = () => opts.store.transact<ReviewOutcome & { changedCustomers?: string[] }>(async (locked) => {
    const capacity = seeingOwnWrites(locked);
    const states = await capacity.loadRecommendations(ids);
    const skipped: ReviewOutcome["skipped"] = [];
    let pending: string[] = [];
    for (const id of ids) {
      const state = states.get(id);
      if (!state) skipped.push({ recommendationId: id, reason: NO_SUCH_RECOMMENDATION });
      else if (state.status !== "pending_review") skipped.push({ recommendationId: id, reason: `Already ${statusWord(state.status)}` });
      else pending.push(id);
    }
    if (pending.length === 0) return { value: { done: [], skipped } };

    const allocation = bindAllocationAgent({ capacity, catalog: opts.catalog });
    const latest = await capacity.latestFor(pending);
    const claimOf = (id: string): Claim => {
      const last = latest.get(id);
      return { priority: last?.priority ?? 0, isHighValue: last?.isHighValue ?? false };
    };
    let newTreatment: TreatmentDefinition | null = null;

    if (action.kind === "approve") {
      // A treatment that needs capacity but holds none (its hold was released elsewhere) takes it
      // now; one whose capacity is already confirmed takes nothing more.
      const unheld = pending.filter((id) => {
        const t = states.get(id)!.treatmentKey;
        const treatment = t ? catalog.get(t) : undefined;
        const outcome = latest.get(id)?.outcome;
        return treatment?.resourceKey && outcome !== "held" && outcome !== "confirmed";
      });
      const gone = pending.filter((id) => {
        const t = states.get(id)!.treatmentKey;
        return t !== null && !catalog.has(t) && latest.get(id)?.outcome !== "held";
      });
      for (const id of gone) skipped.push({ recommendationId: id, reason: `Treatment ${states.get(id)!.treatmentKey} is no longer in the catalog` });
      if (unheld.length > 0) {
        const response = await allocation.process({
          type: "allocate_resource",
          requests: unheld.map((id) => {
            const s = states.get(id)!;
            const treatment = catalog.get(s.treatmentKey!)!;
            return { requestId: id, customerId: s.customerId, treatmentKey: treatment.key, units: treatment.unitsPerContact, ...claimOf(id), runId: s.runId, recommendationId: id };
          }),
        });
        if (!response.ok || response.type !== "allocate_resource") throw new Error(`Capacity could not be taken: ${response.ok ? response.type : response.error.reason}`);
        for (const r of response.data.results) {
          if (r.outcome === "denied") skipped.push({ recommendationId: r.requestId, reason: `No capacity left: ${r.reason}` });
        }
      }
      const refused = new Set(skipped.map((s) => s.recommendationId));
      pending = pending.filter((id) => !refused.has(id));
      if (pending.length === 0) return { value: { done: [], skipped }, writes: { audit: [] } };
      // Only those with capacity on record are confirmed; the rest need none.
      const confirm = await capacity.latestFor(pending);
      const withHold = pending.filter((id) => confirm.get(id)?.outcome === "held");
      if (withHold.length > 0) {
        const response = await allocation.process({ type: "confirm_allocation", recommendationIds: withHold, actor: opts.reviewer.label });
        if (!response.ok) throw new Error(`Capacity could not be confirmed: ${response.error.reason}`);
      }
    } else if (action.kind === "reject") {
      const held = pending.filter((id) => latest.get(id)?.outcome === "held");
      if (held.length > 0) {
        const response = await allocation.process({ type: "release_allocation", recommendationIds: held, actor: opts.reviewer.label, reason: action.reason });
        if (!response.ok) throw new Error(`Capacity could not be released: ${response.error.reason}`);
      }
    } else {
      const id = pending[0]!;
      const state = states.get(id)!;
      newTreatment = await checkOverride({ action, state, catalog: opts.catalog, loadFacts: opts.loadFacts, now: opts.now ?? capacity.now });
      if (latest.get(id)?.outcome === "held") {
        const released = await allocation.process({ type: "release_allocation", recommendationIds: [id], actor: opts.reviewer.label, reason: `Overridden with ${newTreatment.name}: ${action.reason}` });
        if (!released.ok) throw new Error(`Capacity could not be released: ${released.error.reason}`);
      }
      if (newTreatment.resourceKey) {
        const held = await allocation.process({
          type: "allocate_resource",
          requests: [{ requestId: id, customerId: state.customerId, treatmentKey: newTreatment.key, units: newTreatment.unitsPerContact, ...claimOf(id), runId: state.runId, recommendationId: id }],
        });
        if (!held.ok || held.type !== "allocate_resource") throw new Error(`Capacity could not be taken: ${held.ok ? held.type : held.error.reason}`);
        const result = held.data.results[0]!;
        // Throwing rolls the whole transaction back: the old hold stays where it was.
        if (result.outcome === "denied") {
          deniedAttempt = capacity.ownDenial(id) ?? null;
          throw new AppError({ code: "capacity_exhausted", userMessage: `Not overridden: ${newTreatment.name} has no room left (${result.reason}). The recommendation keeps its treatment and capacity.` });
        }
        const confirmed = await allocation.process({ type: "confirm_allocation", recommendationIds: [id], actor: opts.reviewer.label });
        if (!confirmed.ok) throw new Error(`Capacity could not be confirmed: ${confirmed.error.reason}`);
      }
    }

    const status = ACTION_STATUS[action.kind];
    const reason = action.kind === "approve" ? null : action.reason;
    const reviews: ReviewUpdate[] = pending.map((recommendationId) => ({
      recommendationId,
      status,
      reviewedById: opts.reviewer.id,
      reason,
      ...(newTreatment ? { treatmentKey: newTreatment.key, overriddenFrom: states.get(recommendationId)!.treatmentKey ?? undefined } : {}),
    }));
    const audit: AuditRecord[] = pending.map((id) => ({
      actorId: opts.reviewer.id,
      actorLabel: opts.reviewer.label,
      action: `recommendation.${action.kind}`,
      entityType: "Recommendation",
      entityId: id,
      before: { status: "pending_review", treatmentKey: states.get(id)!.treatmentKey },
      after: { status, treatmentKey: newTreatment?.key ?? states.get(id)!.treatmentKey },
      reason,
    }));
    const changedCustomers = pending.map((id) => states.get(id)!.customerId);
    return { value: { done: pending, skipped, changedCustomers }, writes: { reviews, audit } };
  });
  let result: ReviewOutcome & { changedCustomers?: string[] };
  try {
    result = await review();
  } catch (err) {
    const denied: AllocationRecord | null = deniedAttempt;
    if (denied) {
      try {
        await opts.store.transact(async (locked) => {
          locked.record(denied);
          return { value: null };
        });
      } catch (historyError) {
        // The refusal is what the reviewer needs to hear; the lost history row goes to the log.
        console.error("[review] a refused override's denied attempt could not be recorded", historyError);
      }
    }
    throw err;
  }
  // A reviewed decision is part of the customer's contact history: cached copies are stale now.
  const { changedCustomers = [], ...outcome } = result;
  for (const customerId of new Set(changedCustomers)) await invalidateCustomerData(customerId);
  return outcome;
}

/** The treatment an override may switch to, re-checked against the customer's facts now; throws a refusal otherwise. */
async function checkOverride(opts: {
  action: { treatmentKey: string };
  state: { customerId: string; treatmentKey: string | null };
  catalog: TreatmentDefinition[];
  loadFacts: LoadFacts | undefined;
  now: string;
}): Promise<TreatmentDefinition> {
  const { action, state } = opts;
  if (!opts.loadFacts) throw new Error("reviewRecommendations needs loadFacts for an override");
  if (action.treatmentKey === state.treatmentKey) {
    throw new AppError({ code: "invalid_input", userMessage: "Choose a treatment other than the recommended one; to keep it, approve." });
  }
  const treatment = opts.catalog.find((t) => t.key === action.treatmentKey);
  if (!treatment) throw new AppError({ code: "invalid_input", userMessage: `Treatment "${action.treatmentKey}" is not an active treatment.` });
  const facts = await opts.loadFacts(state.customerId);
  if (!facts) throw new AppError({ code: "not_found", userMessage: `Customer ${state.customerId} no longer exists.` });
  const allowed = overrideOptions({ facts: { ...facts, now: opts.now }, catalog: opts.catalog, currentKey: state.treatmentKey });
  if (!allowed.some((o) => o.treatmentKey === treatment.key)) {
    throw new AppError({ code: "invalid_input", userMessage: `${treatment.name} is not allowed for this customer (not eligible, not permitted on its channel, or no action). Choose one of the offered treatments.` });
  }
  return treatment;
}

const PAST = { approve: "Approved", reject: "Rejected", override: "Overrode" } as const;

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** A sentence for people: "Approved 18; 2 skipped: already approved". Equal reasons are counted once. */
export function describeReviewOutcome(kind: ReviewAction["kind"], outcome: ReviewOutcome): string {
  const done = `${PAST[kind]} ${outcome.done.length}`;
  if (outcome.skipped.length === 0) return done;
  const groups = new Map<string, number>();
  for (const s of outcome.skipped) groups.set(s.reason, (groups.get(s.reason) ?? 0) + 1);
  const reasons = [...groups].map(([reason, n]) => (groups.size > 1 ? `${lowerFirst(reason)} (${n})` : lowerFirst(reason)));
  return `${done}; ${outcome.skipped.length} skipped: ${reasons.join(", ")}`;
}

export type OverrideChoice = OverrideOption & {
  /** Units this customer could still take on the treatment's resource now; null when it needs none. */
  available: number | null;
};

export type OverrideChoices = {
  recommendationId: string;
  customerId: string;
  currentKey: string | null;
  isPending: boolean;
  options: OverrideChoice[];
};

/**
 * The treatments a reviewer may switch a recommendation to, with the room left on each one's
 * resource (a snapshot: the override itself re-checks both under the lock). Null for an unknown id.
 */
export async function listOverrideChoices(opts: { pool: pg.Pool; store: CapacityStore; catalog: TreatmentDefinition[]; recommendationId: string; now?: string }): Promise<OverrideChoices | null> {
  const { rows } = await opts.pool.query<{ customerId: string; treatmentKey: string | null; status: string }>(
    `SELECT "customerId", "treatmentKey", status::text AS status FROM "Recommendation" WHERE id = $1`,
    [opts.recommendationId],
  );
  const rec = rows[0];
  if (!rec) return null;
  const base = { recommendationId: opts.recommendationId, customerId: rec.customerId, currentKey: rec.treatmentKey, isPending: rec.status === "pending_review" };
  const journey = await loadCustomerJourney(opts.pool, rec.customerId);
  if (!journey || !base.isPending) return { ...base, options: [] };
  const now = opts.now ?? new Date().toISOString();
  const options = overrideOptions({ facts: customerFactsOf(journey, now), catalog: opts.catalog, currentKey: rec.treatmentKey });
  const resources = new Map((await opts.store.readResources()).map((r) => [r.key, toStatus(r)]));
  const isHighValue = isHighValueTier(journey.analysis.metrics.valueTier);
  return {
    ...base,
    options: options.map((o) => {
      const status = o.resourceKey ? resources.get(o.resourceKey) : undefined;
      return { ...o, available: status ? (isHighValue ? status.availableHighValue : status.availableGeneral) : null };
    }),
  };
}
