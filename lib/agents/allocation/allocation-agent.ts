// The allocation agent: holds, confirms and releases capacity, and keeps its history.
import { z } from "zod";
import type { TreatmentDefinition } from "../domain";
import type { AllocationAgentMessage, AllocationAgentResponse, AllocationRequest, AllocationResult } from "../messages";
import { type Agent, type HandlerMap, dispatch, fail, ok, unknownMessage } from "../protocol";
import { decideHold, toStatus } from "./capacity";
import type { AuditRecord, BatchWrites, CapacityStore, LockedCapacity } from "./ports";

const id = z.string().min(1).max(200);
const requestSchema = z.object({
  requestId: id,
  customerId: id,
  treatmentKey: id,
  units: z.number().int().min(1).max(1_000_000),
  priority: z.number().finite(),
  isHighValue: z.boolean(),
  runId: z.string().uuid().optional(),
  recommendationId: z.string().uuid().optional(),
});

const messageSchemas = {
  allocate_resource: z.object({ type: z.literal("allocate_resource"), requests: z.array(requestSchema).max(100_000) }),
  check_availability: z.object({ type: z.literal("check_availability"), treatmentKey: id, units: z.number().int().min(1).max(1_000_000).optional(), isHighValue: z.boolean().optional() }),
  get_constraints: z.object({ type: z.literal("get_constraints") }),
  reset_constraints: z.object({ type: z.literal("reset_constraints"), resourceKeys: z.array(id).min(1).max(1000).optional(), actor: id }),
  confirm_allocation: z.object({ type: z.literal("confirm_allocation"), recommendationIds: z.array(z.string().uuid()).min(1).max(10_000), actor: id }),
  release_allocation: z.object({
    type: z.literal("release_allocation"),
    recommendationIds: z.array(z.string().uuid()).min(1).max(10_000),
    actor: id,
    reason: z.string().min(1).max(2000),
  }),
} satisfies Record<AllocationAgentMessage["type"], z.ZodType>;

function invalid(type: AllocationAgentMessage["type"], error: z.ZodError): AllocationAgentResponse {
  const detail = error.issues.map((i) => `${i.path.join(".") || "message"}: ${i.message}`).join("; ");
  return fail(type, "invalid_message", `Invalid ${type} message: ${detail}`) as AllocationAgentResponse;
}

/** Serves requests in priority order (highest first; ties keep their order) against locked capacity. */
function allocateWithin(capacity: LockedCapacity, catalog: Map<string, TreatmentDefinition>, requests: AllocationRequest[]): AllocationResult[] {
  const ordered = requests.map((r, i) => ({ r, i })).sort((a, b) => b.r.priority - a.r.priority || a.i - b.i);
  const results = new Map<string, AllocationResult>();
  for (const { r } of ordered) {
    const treatment = catalog.get(r.treatmentKey)!;
    if (!treatment.resourceKey) {
      results.set(r.requestId, { requestId: r.requestId, treatmentKey: r.treatmentKey, resourceKey: null, outcome: "not_needed", usedReserve: false, reason: `${treatment.name} consumes no limited capacity` });
      continue;
    }
    const resource = capacity.resources.get(treatment.resourceKey)!;
    const decision = decideHold(resource, r.units, r.isHighValue);
    const base = {
      resourceKey: resource.key,
      treatmentKey: r.treatmentKey,
      customerId: r.customerId,
      recommendationId: r.recommendationId ?? null,
      runId: r.runId ?? null,
      units: r.units,
      priority: r.priority,
      isHighValue: r.isHighValue,
      periodStart: resource.periodStart,
    };
    if (decision.isGranted) {
      resource.used += r.units;
      resource.held += r.units;
      const reason = decision.usedReserve ? `Held from the high-value reserve of ${resource.name}` : `Held on ${resource.name}`;
      capacity.record({ ...base, outcome: "held", reason, usedReserve: decision.usedReserve });
      results.set(r.requestId, { requestId: r.requestId, treatmentKey: r.treatmentKey, resourceKey: resource.key, outcome: "held", usedReserve: decision.usedReserve, reason });
    } else {
      capacity.record({ ...base, outcome: "denied", reason: decision.reason, usedReserve: false });
      results.set(r.requestId, { requestId: r.requestId, treatmentKey: r.treatmentKey, resourceKey: resource.key, outcome: "denied", usedReserve: false, reason: decision.reason });
    }
  }
  return requests.map((r) => results.get(r.requestId)!);
}

type Catalog = Map<string, TreatmentDefinition>;

function lockedHandlers(capacity: LockedCapacity, catalog: Catalog): HandlerMap<AllocationAgentMessage, AllocationAgentResponse> {
  return {
    allocate_resource: async (m) => {
      const parsed = messageSchemas.allocate_resource.safeParse(m);
      if (!parsed.success) return invalid(m.type, parsed.error);
      const requests = parsed.data.requests;
      const seen = new Set<string>();
      for (const r of requests) {
        if (seen.has(r.requestId)) return fail(m.type, "invalid_message", `Request id ${r.requestId} appears twice`) as AllocationAgentResponse;
        seen.add(r.requestId);
        const t = catalog.get(r.treatmentKey);
        if (!t) return fail(m.type, "invalid_message", `Unknown treatment "${r.treatmentKey}"`) as AllocationAgentResponse;
        if (t.resourceKey && !capacity.resources.has(t.resourceKey)) {
          return fail(m.type, "not_found", `Treatment ${t.key} needs resource ${t.resourceKey}, which does not exist`) as AllocationAgentResponse;
        }
      }
      return ok(m.type, { results: allocateWithin(capacity, catalog, requests) });
    },
    check_availability: async (m) => {
      const parsed = messageSchemas.check_availability.safeParse(m);
      if (!parsed.success) return invalid(m.type, parsed.error);
      const t = catalog.get(parsed.data.treatmentKey);
      if (!t) return fail(m.type, "not_found", `Unknown treatment "${parsed.data.treatmentKey}"`) as AllocationAgentResponse;
      if (!t.resourceKey) return ok(m.type, { treatmentKey: t.key, resourceKey: null, isAvailable: true, available: null });
      const resource = capacity.resources.get(t.resourceKey);
      if (!resource) return fail(m.type, "not_found", `Resource ${t.resourceKey} does not exist`) as AllocationAgentResponse;
      const status = toStatus(resource);
      const available = parsed.data.isHighValue ? status.availableHighValue : status.availableGeneral;
      return ok(m.type, { treatmentKey: t.key, resourceKey: resource.key, isAvailable: available >= (parsed.data.units ?? t.unitsPerContact), available });
    },
    get_constraints: async (m) => {
      const parsed = messageSchemas.get_constraints.safeParse(m);
      if (!parsed.success) return invalid(m.type, parsed.error);
      return ok(m.type, { resources: [...capacity.resources.values()].map(toStatus) });
    },
    reset_constraints: async (m) => {
      const parsed = messageSchemas.reset_constraints.safeParse(m);
      if (!parsed.success) return invalid(m.type, parsed.error);
      const keys = parsed.data.resourceKeys ?? [...capacity.resources.keys()];
      const unknown = keys.filter((k) => !capacity.resources.has(k));
      if (unknown.length > 0) return fail(m.type, "not_found", `Unknown resources: ${unknown.join(", ")}`) as AllocationAgentResponse;
      for (const key of keys) {
        const r = capacity.resources.get(key)!;
        // Confirmed use belongs to the old period; holds still awaiting review carry over.
        r.used = r.held;
        r.periodStart = capacity.now;
      }
      return ok(m.type, { resources: keys.map((k) => toStatus(capacity.resources.get(k)!)) });
    },
    confirm_allocation: async (m) => {
      const parsed = messageSchemas.confirm_allocation.safeParse(m);
      if (!parsed.success) return invalid(m.type, parsed.error);
      return ok(m.type, await settle(capacity, parsed.data.recommendationIds, { outcome: "confirmed", reason: `Confirmed by ${parsed.data.actor}` }));
    },
    release_allocation: async (m) => {
      const parsed = messageSchemas.release_allocation.safeParse(m);
      if (!parsed.success) return invalid(m.type, parsed.error);
      const result = await settle(capacity, parsed.data.recommendationIds, { outcome: "released", reason: `Released by ${parsed.data.actor}: ${parsed.data.reason}` });
      return ok(m.type, { released: result.confirmed, skipped: result.skipped });
    },
  } as HandlerMap<AllocationAgentMessage, AllocationAgentResponse>;
}

/** Confirms or releases the live hold of each recommendation; ones without a live hold are skipped. */
async function settle(capacity: LockedCapacity, recommendationIds: string[], opts: { outcome: "confirmed" | "released"; reason: string }) {
  const latest = await capacity.latestFor([...new Set(recommendationIds)]);
  const done: string[] = [];
  const skipped: { recommendationId: string; reason: string }[] = [];
  for (const recommendationId of new Set(recommendationIds)) {
    const last = latest.get(recommendationId);
    if (!last || last.outcome !== "held") {
      skipped.push({ recommendationId, reason: last ? `No live hold: its capacity was already ${last.outcome}` : "No capacity was held for it" });
      continue;
    }
    const resource = capacity.resources.get(last.resourceKey)!;
    resource.held -= last.units;
    if (opts.outcome === "released") resource.used -= last.units;
    capacity.record({ ...last, outcome: opts.outcome, reason: opts.reason, periodStart: resource.periodStart });
    done.push(recommendationId);
  }
  return { confirmed: done, skipped };
}

export type AllocationAgent = Agent<AllocationAgentMessage, AllocationAgentResponse>;

function catalogMap(catalog: TreatmentDefinition[]): Catalog {
  return new Map(catalog.map((t) => [t.key, t]));
}

/** An allocation agent working inside a transaction someone else holds (a run's batch, a review). */
export function bindAllocationAgent(opts: { capacity: LockedCapacity; catalog: TreatmentDefinition[] }): AllocationAgent {
  const handlers = lockedHandlers(opts.capacity, catalogMap(opts.catalog));
  return { name: "allocation", process: (message) => dispatch("allocation", handlers, message) };
}

/** An allocation agent whose every message is one transaction of its own on `store`. */
export function createAllocationAgent(opts: { store: CapacityStore; catalog: TreatmentDefinition[] }): AllocationAgent {
  const catalog = catalogMap(opts.catalog);
  const inTransaction = (message: AllocationAgentMessage) =>
    opts.store.transact<AllocationAgentResponse>(async (capacity): Promise<{ value: AllocationAgentResponse; writes?: BatchWrites }> => {
      const before = new Map([...capacity.resources].map(([k, r]) => [k, { ...r }]));
      const response = await dispatch<AllocationAgentMessage, AllocationAgentResponse>("allocation", lockedHandlers(capacity, catalog), message);
      const audit: AuditRecord[] = [];
      if (response.ok && response.type === "reset_constraints" && message.type === "reset_constraints") {
        for (const after of response.data.resources) {
          audit.push({ actorId: null, actorLabel: message.actor, action: "constraint.reset_period", entityType: "ResourceConstraint", entityId: after.key, before: before.get(after.key), after, reason: null });
        }
      }
      // A refused message changes nothing: its locked rows are left as they were.
      if (!response.ok) return { value: response };
      return { value: response, writes: { audit } };
    });
  const readOnly = async (message: AllocationAgentMessage) => {
    const resources = await opts.store.readResources();
    const capacity: LockedCapacity = {
      resources: new Map(resources.map((r) => [r.key, r])),
      record: () => {
        throw new Error("read-only capacity");
      },
      latestFor: async () => new Map(),
      loadRecommendations: async () => new Map(),
      pendingFor: async () => [],
      now: new Date().toISOString(),
    };
    return dispatch<AllocationAgentMessage, AllocationAgentResponse>("allocation", lockedHandlers(capacity, catalog), message);
  };
  return {
    name: "allocation",
    process: async (message) => {
      const type = (message as { type?: unknown } | null)?.type;
      if (type === "get_constraints" || type === "check_availability") return readOnly(message);
      if (typeof type === "string" && Object.hasOwn(messageSchemas, type)) return inTransaction(message);
      return unknownMessage("allocation", message) as AllocationAgentResponse;
    },
  };
}
