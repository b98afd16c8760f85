// The orchestrator: for each customer, data → journey → permissions → recommendation → capacity,
// following the fallback chain until a treatment is held or the answer is no action. Decisions
// are made concurrently; capacity is taken in batches, each one transaction that serves its
// customers in priority order and writes their recommendations with it.
import { z } from "zod";
import { bindAllocationAgent } from "./allocation/allocation-agent";
import type { CapacityStore, DecisionRecord, LockedCapacity, RecommendationState, SupersededRecord } from "./allocation/ports";
import type { CustomerData, JourneyAnalysis, PolicyKind, TreatmentDecision, TreatmentDefinition } from "./domain";
import type { DataAgentMessage, DataAgentResponse, JourneyAgentMessage, JourneyAgentResponse, TreatmentAgentMessage, TreatmentAgentResponse, TreatmentContext } from "./messages";
import type { FallbackHop, OrchestratorMessage, OrchestratorResponse, RunProgress, RunSummary, TraceStep } from "./orchestrator-messages";
import { type Agent, type HandlerMap, dispatch, fail, ok } from "./protocol";
import { isHighValueTier } from "./rules/value-tier";

export type OrchestratorDeps = {
  data: Agent<DataAgentMessage, DataAgentResponse>;
  journey: Agent<JourneyAgentMessage, JourneyAgentResponse>;
  treatment: Agent<TreatmentAgentMessage, TreatmentAgentResponse>;
  capacity: CapacityStore;
  catalog: TreatmentDefinition[];
  progress: RunProgress;
  policy: PolicyKind;
  /** Customers decided at once (each may wait on the model). */
  concurrency?: number;
  /** Decisions per capacity transaction. */
  batchSize?: number;
  /** Customers loaded per data round trip. */
  chunkSize?: number;
  clock?: () => Date;
  /** Makes recommendation ids (tests pass a deterministic one). */
  newId?: () => string;
  /**
   * Decides many customers elsewhere (for example on worker threads, each with its own data,
   * journey and treatment agents); when given, the run sends it chunks of `chunkSize` customers,
   * `concurrency` chunks at once, and only holds capacity and writes here.
   */
  decideMany?: (customerIds: string[]) => Promise<Outcome[]>;
};

/** What deciding one customer needs: the agents of steps 1–4. */
export type DeciderDeps = Pick<OrchestratorDeps, "data" | "journey" | "treatment" | "policy" | "clock" | "newId">;

/** A customer whose recommendation is decided, waiting for capacity. */
export type Decided = {
  kind: "decided";
  id: string;
  customerId: string;
  context: TreatmentContext;
  decision: TreatmentDecision;
  trace: TraceStep[];
  /** GBP of lifetime value at risk: churn risk × lifetime value. */
  priority: number;
  isHighValue: boolean;
};
export type Failed = { kind: "failed"; id: string; customerId: string; reason: string; trace: TraceStep[]; policy: PolicyKind };
export type Missing = { kind: "missing"; customerId: string };
/** One customer after steps 1–4; plain JSON, so it can cross a thread boundary. */
export type Outcome = Decided | Failed | Missing;

const MAX_FALLBACKS = 20;
/** Batches that may wait for capacity while deciding goes on (chunked runs). */
const MAX_QUEUED_FLUSHES = 2;

const MAX_TRACE_STRING = 1500;
const MAX_TRACE_ITEMS = 25;
const MAX_TRACE_DEPTH = 5;

/** True when `compact` would change `value`; walks without allocating. */
function needsCompacting(value: unknown, depth: number): boolean {
  if (typeof value === "string") return value.length > MAX_TRACE_STRING;
  if (Array.isArray(value)) {
    if (depth > 0 && value.length > MAX_TRACE_ITEMS) return true;
    for (const v of value) if (needsCompacting(v, depth + 1)) return true;
    return false;
  }
  if (value && typeof value === "object") {
    if (depth > MAX_TRACE_DEPTH) return true;
    for (const k in value) if (needsCompacting((value as Record<string, unknown>)[k], depth + 1)) return true;
  }
  return false;
}

/**
 * Keeps traces small: long strings cut, big arrays counted, deep nesting elided. Values that need
 * none of it are returned as they are (responses are not changed after they are traced).
 */
function compact(value: unknown, depth = 0): unknown {
  if (!needsCompacting(value, depth)) return value;
  if (typeof value === "string") return `${value.slice(0, MAX_TRACE_STRING)}… (${value.length} chars)`;
  if (Array.isArray(value)) {
    if (depth > 0 && value.length > MAX_TRACE_ITEMS) return `(${value.length} items)`;
    return value.map((v) => compact(v, depth + 1));
  }
  if (value && typeof value === "object") {
    if (depth > MAX_TRACE_DEPTH) return "(…)";
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v, depth + 1)]));
  }
  return value;
}

function summariseMessage(message: { type: string } & Record<string, unknown>): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(message)) {
    if (k === "data") out[k] = `(data of customer ${(v as CustomerData).profile.id})`;
    else if (k === "journey") out[k] = `(journey of ${(v as { events: unknown[] }).events.length} events)`;
    else if (k === "analysis") out[k] = "(analysis above)";
    else if (k === "summary") out[k] = "(summary above)";
    else if (k === "customer" || k === "profile") out[k] = `(profile of ${(v as { id: string }).id}, in the data step)`;
    else if (k === "permissions") out[k] = "(permissions above)";
    else if (k === "previous") out[k] = `(previous decision: ${(v as TreatmentDecision).treatmentKey})`;
    else out[k] = compact(v);
  }
  return out;
}

function summariseResponse(agent: string, response: unknown): unknown {
  const r = response as { ok: boolean; type: string; data?: Record<string, unknown> };
  if (!r.ok || !r.data) return response;
  if (r.type === "get_customer_data") {
    const d = r.data as unknown as CustomerData & { isFromCache: boolean };
    // Permissions are shown once, in the read_permissions step that follows.
    return { ok: true, data: { profile: d.profile, events: d.events.length, permissions: "(in the read_permissions step)", priorContacts: d.priorContacts.length, isFromCache: d.isFromCache } };
  }
  if (r.type === "build_journey") {
    const j = r.data as { events: unknown[]; months: unknown[]; duplicatesRemoved: number; firstEventAt: string | null; lastEventAt: string | null };
    return { ok: true, data: { events: j.events.length, months: j.months.length, duplicatesRemoved: j.duplicatesRemoved, firstEventAt: j.firstEventAt, lastEventAt: j.lastEventAt } };
  }
  return compact(response);
}

/** Sends `message` to `agent`, timing it and appending a trace step. */
async function traced<M extends { type: string }, R>(trace: TraceStep[], agent: Agent<M, R>, message: M, now: () => Date): Promise<R> {
  const startedAt = now();
  const t0 = performance.now();
  const response = await agent.process(message);
  trace.push({
    agent: agent.name,
    type: message.type,
    message: summariseMessage(message as M & Record<string, unknown>),
    response: summariseResponse(agent.name, response),
    startedAt: startedAt.toISOString(),
    durationMs: Math.round((performance.now() - t0) * 100) / 100,
  });
  return response;
}

const messageSchemas = {
  process_customer: z.object({ type: z.literal("process_customer"), runId: z.string().uuid(), customerId: z.string().min(1).max(200) }),
  process_run: z.object({ type: z.literal("process_run"), runId: z.string().uuid(), customerIds: z.array(z.string().min(1).max(200)).max(5_000_000) }),
};

/** Steps 1–4 for one customer at a time: everything up to the first recommendation. */
export function createDecider(deps: DeciderDeps): { decide(customerId: string): Promise<Outcome> } {
  const now = deps.clock ?? (() => new Date());
  const newId = deps.newId ?? (() => crypto.randomUUID());

  async function decide(customerId: string): Promise<Outcome> {
    const trace: TraceStep[] = [];
    const id = newId();
    try {
      const data = await traced(trace, deps.data, { type: "get_customer_data", customerId }, now);
      if (!data.ok || data.type !== "get_customer_data") {
        if (!data.ok && data.error.code === "not_found") return { kind: "missing", customerId };
        return { kind: "failed", id, customerId, reason: data.ok ? "Unexpected data response" : data.error.reason, trace, policy: deps.policy };
      }
      const { isFromCache: _cached, ...customerData } = data.data;
      const journey = await traced(trace, deps.journey, { type: "build_journey", data: customerData }, now);
      if (!journey.ok || journey.type !== "build_journey") return failedFrom(journey, { id, customerId, trace });
      const asOf = now().toISOString();
      const analysis = await traced(trace, deps.journey, { type: "analyze_journey", journey: journey.data, profile: customerData.profile, asOf }, now);
      if (!analysis.ok || analysis.type !== "analyze_journey") return failedFrom(analysis, { id, customerId, trace });
      const summary = await traced(trace, deps.journey, { type: "summarize_journey", journey: journey.data, analysis: analysis.data, profile: customerData.profile }, now);
      if (!summary.ok || summary.type !== "summarize_journey") return failedFrom(summary, { id, customerId, trace });
      const permissions = customerData.permissions;
      trace.push({
        agent: "orchestrator",
        type: "read_permissions",
        message: { customerId },
        response: permissions.hasRecord ? permissions : { hasRecord: false, note: "No permission record: no marketing contact on any channel" },
        startedAt: now().toISOString(),
        durationMs: 0,
      });
      const context: TreatmentContext = { customer: customerData.profile, analysis: analysis.data, summary: summary.data, permissions, now: now().toISOString() };
      const recommended = await traced(trace, deps.treatment, { type: "recommend_treatment", ...context }, now);
      if (!recommended.ok || recommended.type !== "recommend_treatment") return failedFrom(recommended, { id, customerId, trace });
      return { kind: "decided", id, customerId, context, decision: recommended.data, trace, ...priorityOf(analysis.data) };
    } catch (err) {
      return { kind: "failed", id, customerId, reason: `Internal error: ${(err as Error).message}`, trace, policy: deps.policy };
    }
  }

  function failedFrom(response: { ok: boolean; error?: { reason: string } }, ctx: { id: string; customerId: string; trace: TraceStep[] }): Failed {
    return { kind: "failed", ...ctx, reason: response.error?.reason ?? "Unexpected response", policy: deps.policy };
  }

  return { decide };
}

export type Orchestrator = Agent<OrchestratorMessage, OrchestratorResponse>;

/** The orchestrator agent over the given agents and stores. */
export function createOrchestrator(deps: OrchestratorDeps): Orchestrator {
  const now = deps.clock ?? (() => new Date());
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const concurrency = Math.max(1, deps.concurrency ?? 8);
  const batchSize = Math.max(1, deps.batchSize ?? 250);
  const chunkSize = Math.max(1, deps.chunkSize ?? 500);
  const { decide } = createDecider(deps);

  const SUPERSEDE_REASON = "superseded by a newer decision for the same customer";

  /** The customers' recommendations from other runs still waiting for review, locked, by customer. */
  async function earlierPending(capacity: LockedCapacity, decided: Decided[], runId: string): Promise<Map<string, RecommendationState[]>> {
    const byCustomer = new Map<string, RecommendationState[]>();
    if (decided.length === 0) return byCustomer;
    for (const r of await capacity.pendingFor(decided.map((d) => d.customerId))) {
      if (r.runId === runId) continue;
      byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), r]);
    }
    return byCustomer;
  }

  /**
   * Gives back, in one step for the whole batch, what the customers' earlier recommendations hold,
   * so the new decisions may take those units; each new decision's trace records its own part.
   */
  async function releaseEarlier(capacity: LockedCapacity, earlierByCustomer: Map<string, RecommendationState[]>, decided: Decided[], runId: string): Promise<void> {
    const ids = [...earlierByCustomer.values()].flat().map((r) => r.id);
    if (ids.length === 0) return;
    const startedAt = now().toISOString();
    const t0 = performance.now();
    const allocation = bindAllocationAgent({ capacity, catalog: deps.catalog });
    const response = await allocation.process({ type: "release_allocation", recommendationIds: ids, actor: `run ${runId}`, reason: SUPERSEDE_REASON });
    if (!response.ok || response.type !== "release_allocation") {
      throw new Error(`Earlier holds could not be released: ${response.ok ? response.type : response.error.reason}`);
    }
    const durationMs = Math.round((performance.now() - t0) * 100) / 100;
    const released = new Set(response.data.released);
    for (const item of decided) {
      const own = (earlierByCustomer.get(item.customerId) ?? []).map((r) => r.id);
      if (own.length === 0) continue;
      item.trace.push({
        agent: allocation.name,
        type: "release_allocation",
        message: { type: "release_allocation", recommendationIds: own, reason: SUPERSEDE_REASON },
        response: { ok: true, type: "release_allocation", data: { released: own.filter((id) => released.has(id)), skipped: own.filter((id) => !released.has(id)) } },
        startedAt,
        durationMs,
      });
    }
  }

  /** The new decision failed: the earlier recommendations keep waiting for review with their holds. */
  async function restoreHolds(capacity: LockedCapacity, item: Decided, earlier: RecommendationState[]) {
    // The stored history, which does not show this transaction's releases yet: the holds as they were.
    const holds = [...(await capacity.latestFor(earlier.map((r) => r.id))).values()].filter((a) => a.outcome === "held");
    const restored: string[] = [];
    for (const { createdAt: _at, ...hold } of holds) {
      const resource = capacity.resources.get(hold.resourceKey);
      // Freed in this transaction; a higher-priority decision of the batch may have taken it since,
      // and then the earlier recommendation waits without a hold (an approval takes one if any is left).
      if (!resource || resource.used + hold.units > resource.limit) continue;
      resource.used += hold.units;
      resource.held += hold.units;
      capacity.record({ ...hold, outcome: "held", reason: "Held again: the newer decision for this customer failed", periodStart: resource.periodStart });
      restored.push(hold.recommendationId!);
    }
    item.trace.push({ agent: "allocation", type: "restore_holds", message: { recommendationIds: earlier.map((r) => r.id) }, response: { ok: true, data: { restored } }, startedAt: now().toISOString(), durationMs: 0 });
  }

  /**
   * Steps 5–6 for a batch, highest priority first. A new decision replaces the customer's earlier one
   * still waiting for review: the batch's earlier holds are given back first (so the new choices,
   * in priority order, may take those units) and the earlier ones are marked superseded in the same
   * transaction; if a new decision fails, its earlier one keeps waiting, with its hold while there
   * is room for it again.
   */
  async function allocateBatch(capacity: LockedCapacity, decided: Decided[], runId: string): Promise<{ records: DecisionRecord[]; superseded: SupersededRecord[] }> {
    const earlierByCustomer = await earlierPending(capacity, decided, runId);
    await releaseEarlier(capacity, earlierByCustomer, decided, runId);
    const records: DecisionRecord[] = [];
    const superseded: SupersededRecord[] = [];
    for (const item of decided) {
      const earlier = earlierByCustomer.get(item.customerId) ?? [];
      const record = await allocate(capacity, item, runId);
      if (record.status === "failed" && earlier.length > 0) await restoreHolds(capacity, item, earlier);
      else for (const r of earlier) superseded.push({ recommendationId: r.id, supersededById: item.id });
      records.push(record);
    }
    return { records, superseded };
  }

  /** Steps 5–6 inside a locked transaction: hold capacity, falling back to alternatives. */
  async function allocate(capacity: LockedCapacity, item: Decided, runId: string): Promise<DecisionRecord> {
    const allocation = bindAllocationAgent({ capacity, catalog: deps.catalog });
    const path: FallbackHop[] = [];
    let decision = item.decision;
    const exclude: string[] = [];
    for (let hop = 0; hop <= MAX_FALLBACKS; hop++) {
      if (decision.isNoAction) return record(item, runId, decision, path, { status: "no_action" });
      const treatment = deps.catalog.find((t) => t.key === decision.treatmentKey)!;
      const held = await traced(item.trace, allocation, {
        type: "allocate_resource",
        requests: [{ requestId: item.id, customerId: item.customerId, treatmentKey: decision.treatmentKey, units: treatment.unitsPerContact, priority: item.priority, isHighValue: item.isHighValue, runId, recommendationId: item.id }],
      }, now);
      if (!held.ok || held.type !== "allocate_resource") return record(item, runId, decision, path, { status: "failed", reason: held.ok ? "Unexpected allocation response" : held.error.reason });
      const result = held.data.results[0]!;
      if (result.outcome !== "denied") return record(item, runId, decision, path, { status: "pending_review" });
      path.push({ treatmentKey: decision.treatmentKey, outcome: "denied", reason: result.reason });
      exclude.push(decision.treatmentKey);
      const alternative = await traced(item.trace, deps.treatment, { type: "find_alternative_treatment", ...item.context, exclude: [...exclude], previous: decision }, now);
      if (!alternative.ok || alternative.type !== "find_alternative_treatment") {
        return record(item, runId, decision, path, { status: "failed", reason: alternative.ok ? "Unexpected treatment response" : alternative.error.reason });
      }
      decision = alternative.data;
    }
    return record(item, runId, decision, path, { status: "failed", reason: `No treatment could be held after ${MAX_FALLBACKS} alternatives` });
  }

  function record(item: Decided, runId: string, decision: TreatmentDecision, path: FallbackHop[], outcome: { status: DecisionRecord["status"]; reason?: string }): DecisionRecord {
    const isAction = outcome.status === "pending_review";
    return {
      id: item.id,
      runId,
      customerId: item.customerId,
      status: outcome.status,
      treatmentKey: outcome.status === "failed" ? null : decision.treatmentKey,
      policy: decision.policy,
      rationale: path.length > 0 ? `${decision.rationale} (Chosen after ${path.map((p) => p.treatmentKey).join(", ")} had no capacity left.)` : decision.rationale,
      confidence: decision.confidence,
      expectedValue: isAction ? decision.expectedValue : 0,
      alternatives: decision.alternatives,
      fallbackPath: path,
      permissionStatement: decision.compliance.statement,
      nextContactAt: isAction ? decision.compliance.nextContactAt : null,
      failureReason: outcome.reason ?? null,
      trace: { steps: item.trace, notes: decision.notes, usage: decision.usage, evidence: decision.evidence, language: decision.compliance.language },
    };
  }

  function failedRecord(item: Failed, runId: string): DecisionRecord {
    return {
      id: item.id, runId, customerId: item.customerId, status: "failed", treatmentKey: null, policy: item.policy,
      rationale: `No recommendation: ${item.reason}`, confidence: 0, expectedValue: 0, alternatives: [], fallbackPath: [],
      permissionStatement: "No contact: the customer was not processed.", nextContactAt: null, failureReason: item.reason, trace: { steps: item.trace },
    };
  }

  async function run(runId: string, requested: string[]): Promise<RunSummary> {
    const started = performance.now();
    // Each customer is decided once per run, however often the id was given.
    const customerIds = [...new Set(requested)];
    const summary: RunSummary = {
      runId, policy: deps.policy, customers: customerIds.length, processed: 0,
      byStatus: { pending_review: 0, no_action: 0, failed: 0 }, byTreatment: {}, fallbacks: 0, modelFallbacks: 0, decidedWithoutModel: 0,
      failures: [], missingCustomers: [], supersededEarlier: 0, modelCalls: 0, promptTokens: 0, completionTokens: 0, expectedValue: 0, durationMs: 0, isCancelled: false,
    };
    let isCancelled = false;
    let flushError: Error | null = null;
    let pending: Outcome[] = [];
    let chain = Promise.resolve();

    let queuedFlushes = 0;
    /** One capacity transaction for `items`; if it fails, their traces are put back as they were. */
    const transactBatch = async (items: Outcome[]): Promise<{ records: DecisionRecord[]; superseded: number }> => {
      const traceLengths = items.map((i) => (i.kind === "missing" ? 0 : i.trace.length));
      try {
        return await deps.capacity.transact(async (capacity) => {
          const decided = items.filter((i): i is Decided => i.kind === "decided").sort((a, b) => b.priority - a.priority);
          const { records: out, superseded } = await allocateBatch(capacity, decided, runId);
          for (const item of items) if (item.kind === "failed") out.push(failedRecord(item, runId));
          return { value: { records: out, superseded: superseded.length }, writes: { decisions: out, superseded } };
        });
      } catch (err) {
        items.forEach((item, n) => {
          if (item.kind !== "missing") item.trace.length = traceLengths[n]!;
        });
        throw err;
      }
    };

    /**
     * Saves a batch. When its transaction fails, the customers are saved one at a time, so a
     * decision that cannot be stored fails only its own customer (recorded with the reason); when
     * even that record cannot be written, the database is out and the run stops.
     */
    const saveBatch = async (items: Outcome[]): Promise<{ records: DecisionRecord[]; superseded: number; error?: Error }> => {
      const records: DecisionRecord[] = [];
      let superseded = 0;
      /** Records `item` as failed because its decision could not be stored; false when even that fails. */
      const storeAsFailed = async (item: Decided | Failed, err: unknown): Promise<Error | null> => {
        console.error(`[orchestrator] run ${runId}: the decision for customer ${item.customerId} could not be stored`, err);
        if (item.kind === "failed") return err as Error;
        const failed: Failed = { kind: "failed", id: item.id, customerId: item.customerId, reason: "The decision could not be stored (the error is in the server log); no capacity was taken.", trace: item.trace, policy: item.decision.policy };
        try {
          records.push(...(await transactBatch([failed])).records);
          return null;
        } catch (outage) {
          return outage as Error;
        }
      };
      try {
        return await transactBatch(items);
      } catch (batchError) {
        const stored = items.filter((i): i is Decided | Failed => i.kind !== "missing");
        // Alone in its batch, the customer's own transaction has just failed: record the failure.
        if (stored.length === 1) {
          const error = await storeAsFailed(stored[0]!, batchError);
          return { records, superseded, ...(error ? { error } : {}) };
        }
        // One at a time in the batch's own order: highest priority first, then the failures.
        const byPriority = stored.filter((i): i is Decided => i.kind === "decided").sort((a, b) => b.priority - a.priority);
        for (const item of [...byPriority, ...stored.filter((i): i is Failed => i.kind === "failed")]) {
          try {
            const saved = await transactBatch([item]);
            records.push(...saved.records);
            superseded += saved.superseded;
          } catch (err) {
            // Not even a failure can be written: stop, counting what this batch did save.
            const error = await storeAsFailed(item, err);
            if (error) return { records, superseded, error };
          }
        }
        return { records, superseded };
      }
    };

    const flush = (items: Outcome[]) => {
      queuedFlushes++;
      chain = chain.then(async () => {
        if (flushError) return;
        try {
          const saved = await saveBatch(items);
          const savedIds = new Set(saved.records.map((r) => r.customerId));
          // Only what was written is counted; a batch stopped by an outage counts its saved part.
          tally(summary, saved.error ? items.filter((i) => i.kind !== "missing" && savedIds.has(i.customerId)) : items, saved.records);
          summary.supersededEarlier += saved.superseded;
          if (saved.error) throw saved.error;
          const answer = await deps.progress.report({ runId, processed: summary.processed, failed: summary.byStatus.failed });
          if (answer.isCancelRequested) isCancelled = true;
        } catch (err) {
          flushError = err as Error;
        } finally {
          queuedFlushes--;
        }
      });
      return chain;
    };

    const chunks: Promise<unknown>[] = [];
    const prefetch = (k: number) => {
      if (k * chunkSize >= customerIds.length || chunks[k]) return chunks[k];
      // A chunk that cannot be loaded at once is not fatal: each customer is then read on its own,
      // and one that still cannot be read fails alone.
      chunks[k] = deps.data.process({ type: "prefetch_customers", customerIds: customerIds.slice(k * chunkSize, (k + 1) * chunkSize) }).catch((err: unknown) => {
        console.error(`[orchestrator] run ${runId}: loading customers ${k * chunkSize + 1}–${Math.min(customerIds.length, (k + 1) * chunkSize)} at once failed`, err);
      });
      return chunks[k];
    };

    let next = 0;
    const worker = async () => {
      while (!isCancelled && !flushError && next < customerIds.length) {
        const index = next++;
        const k = Math.floor(index / chunkSize);
        await prefetch(k);
        // Load the next chunk while this one is being decided.
        void prefetch(k + 1);
        // Decide first, then push: `pending.push(await …)` would bind the array before the await,
        // and a batch flushed meanwhile would silently drop this customer.
        const outcome = await decide(customerIds[index]!);
        pending.push(outcome);
        if (pending.length >= batchSize) {
          const items = pending;
          pending = [];
          // Wait for capacity to catch up, so decisions never pile up unbounded.
          await flush(items);
        }
      }
    };
    // Decided elsewhere in chunks: only capacity and writes happen here.
    const decideMany = deps.decideMany;
    let nextChunk = 0;
    const chunkCount = Math.ceil(customerIds.length / chunkSize);
    const chunkWorker = async () => {
      while (!isCancelled && !flushError && nextChunk < chunkCount) {
        const k = nextChunk++;
        let outcomes: Outcome[];
        try {
          outcomes = await decideMany!(customerIds.slice(k * chunkSize, (k + 1) * chunkSize));
        } catch (err) {
          flushError ??= err as Error;
          return;
        }
        pending.push(...outcomes);
        while (pending.length >= batchSize) {
          // Taken out synchronously, so no other chunk can push into a batch being flushed.
          const flushed = flush(pending.splice(0, batchSize));
          // Keep deciding while a couple of batches queue for capacity; wait when more pile up.
          if (queuedFlushes > MAX_QUEUED_FLUSHES) await flushed;
        }
      }
    };

    if (decideMany) await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, chunkCount)) }, chunkWorker));
    else await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, customerIds.length)) }, worker));
    if (pending.length > 0) await flush(pending);
    await chain;
    if (flushError) throw flushError;
    summary.isCancelled = isCancelled && summary.processed < customerIds.length;
    summary.durationMs = Math.round(performance.now() - started);
    return summary;
  }

  const handlers: HandlerMap<OrchestratorMessage, OrchestratorResponse> = {
    process_customer: async (m) => {
      const parsed = messageSchemas.process_customer.safeParse(m);
      if (!parsed.success) return fail(m.type, "invalid_message", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")) as OrchestratorResponse;
      const summary = await run(parsed.data.runId, [parsed.data.customerId]);
      if (summary.missingCustomers.length > 0) return fail(m.type, "not_found", `Customer ${parsed.data.customerId} does not exist`) as OrchestratorResponse;
      return ok(m.type, summary);
    },
    process_run: async (m) => {
      const parsed = messageSchemas.process_run.safeParse(m);
      if (!parsed.success) return fail(m.type, "invalid_message", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")) as OrchestratorResponse;
      return ok(m.type, await run(parsed.data.runId, parsed.data.customerIds));
    },
  };

  return { name: "orchestrator", process: (message) => dispatch("orchestrator", handlers, message) };
}

/** High-value means the high or premium tier; priority is the GBP of lifetime value at risk. */
function priorityOf(analysis: JourneyAnalysis): { priority: number; isHighValue: boolean } {
  const m = analysis.metrics;
  return { priority: Math.round(m.churnRisk * m.lifetimeValue * 100) / 100, isHighValue: isHighValueTier(m.valueTier) };
}

function tally(summary: RunSummary, items: Outcome[], records: DecisionRecord[]) {
  const isModelRun = summary.policy === "llm";
  for (const item of items) {
    if (item.kind === "missing") summary.missingCustomers.push(item.customerId);
    if (item.kind === "decided") {
      const u = item.decision.usage;
      summary.modelCalls += u.calls;
      summary.promptTokens += u.promptTokens;
      summary.completionTokens += u.completionTokens;
      if (isModelRun && item.decision.policy === "rules") {
        // Asked and refused (or unavailable) is a fallback; never asked means nothing but no action was allowed.
        if (u.calls > 0) summary.modelFallbacks++;
        else summary.decidedWithoutModel++;
      }
    }
  }
  for (const r of records) {
    summary.processed++;
    summary.byStatus[r.status]++;
    if (r.status === "failed") {
      if (summary.failures.length < 100) summary.failures.push({ customerId: r.customerId, reason: r.failureReason ?? "unknown" });
      continue;
    }
    if (r.treatmentKey) summary.byTreatment[r.treatmentKey] = (summary.byTreatment[r.treatmentKey] ?? 0) + 1;
    if (Array.isArray(r.fallbackPath) && r.fallbackPath.length > 0) summary.fallbacks++;
    summary.expectedValue = Math.round((summary.expectedValue + r.expectedValue) * 100) / 100;
  }
  summary.processed += items.filter((i) => i.kind === "missing").length;
}
