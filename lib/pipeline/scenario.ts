// The scenario planner: decides the scope's customers with the rules exactly as a run would, but
// keeps the decisions in memory, then plans the allocation as things stand and as each scenario
// would have them. Nothing is written and no capacity is held, so anyone may try a change first.
import type pg from "pg";
import { z } from "zod";
import { type AllocationPlan, type PlanResource, planAllocation } from "../agents/allocation/optimize";
import type { AuditRecord, CapacityStore, LpSolver } from "../agents/allocation/ports";
import { createDataAgent } from "../agents/data/data-agent";
import type { ResourceCounters } from "../agents/domain";
import { createJourneyAgent } from "../agents/journey/journey-agent";
import { createDecider } from "../agents/orchestrator/decide";
import {
  type DecidedCustomer,
  type PlanComparison,
  type PlanSummary,
  type ScenarioChanges,
  type ScenarioTreatment,
  type ScenarioWorld,
  applyScenario,
  scenarioChangesSchema,
  comparePlans,
  planCustomer,
  planResources,
  scenarioProblems,
  summarisePlan,
} from "../agents/scenario/scenario";
import { createTreatmentAgent } from "../agents/treatment/treatment-agent";
import { writeAudit } from "../audit/write";
import { withTransaction } from "../database/transaction";
import { AppError } from "../errors";
import { plainText } from "../validations/text";
import { loadCatalog } from "./catalog";
import { loadContactPolicy } from "./contact-policy";
import { createCustomerCache } from "./customer-cache";
import { createPgCustomerSource } from "./customer-source";
import { limitRefusal } from "./constraints";
import { type RunScope, runScopeSchema, selectCustomers } from "./runs";

/**
 * Customers decided for one plan at most; a larger scope is planned on an even sample of this size
 * with capacity cut to the same share, which keeps the answer within a few seconds on this machine.
 */
export const SCENARIO_MAX_CUSTOMERS = 2_000;

const PREFETCH_CHUNK = 500;
const CONCURRENCY = 4;

export type ScenarioVariant = { name: string; changes: ScenarioChanges };

export type ScenarioOutcome = { name: string; summary: PlanSummary; comparison: PlanComparison };

export type ScenarioResult = {
  /** Customers the scope holds, and how many were decided (all of them unless sampled). */
  scope: { total: number; planned: number; failed: number; isSampled: boolean };
  /** A sentence for people when the result is an estimate from a sample. */
  sampleNote: string | null;
  current: PlanSummary;
  scenarios: ScenarioOutcome[];
  durationMs: number;
};

type TreatmentRow = { key: string; name: string; costPerContact: string; isActive: boolean; isNoAction: boolean; resourceKey: string | null; unitsPerContact: number };

async function readWorld(pool: pg.Pool): Promise<ScenarioWorld> {
  const [resources, treatments] = await Promise.all([
    pool.query<Omit<ResourceCounters, "periodStart"> & { periodStart: Date }>(
      `SELECT key, name, "limit", used, held, "reservedHighValue", period::text AS period, "periodStart" FROM "ResourceConstraint" ORDER BY key`,
    ),
    pool.query<TreatmentRow>(
      `SELECT key, name, "costPerContact"::text AS "costPerContact", "isActive", "isNoAction", "resourceKey", "unitsPerContact" FROM "Treatment" ORDER BY priority, key`,
    ),
  ]);
  return {
    resources: resources.rows.map((r) => ({ ...r, periodStart: r.periodStart.toISOString() })),
    treatments: treatments.rows.map((t) => ({ ...t, costPerContact: Number(t.costPerContact) })),
  };
}

/** Units held right now by pending decisions of these customers, per resource: the capacity a new plan for them would take back. */
async function heldBy(pool: pg.Pool, customerIds: string[]): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ resourceKey: string; units: string }>(
    `SELECT a."resourceKey", SUM(a.units)::text AS units
       FROM "Recommendation" r
       CROSS JOIN LATERAL (
         SELECT "resourceKey", units, outcome FROM "Allocation"
          WHERE "recommendationId" = r.id AND outcome <> 'denied' ORDER BY id DESC LIMIT 1
       ) a
      WHERE r.status = 'pending_review' AND r."customerId" = ANY($1::text[]) AND a.outcome = 'held'
      GROUP BY a."resourceKey"`,
    [customerIds],
  );
  return new Map(rows.map((r) => [r.resourceKey, Number(r.units)]));
}

/** Every `step`-th customer of the value-ordered list, so a sample spans the tiers as the scope does. */
function evenSample(ids: string[], size: number): string[] {
  if (ids.length <= size) return ids;
  const step = ids.length / size;
  return Array.from({ length: size }, (_, i) => ids[Math.floor(i * step)]!);
}

async function decideAll(pool: pg.Pool, opts: { customerIds: string[]; alsoKeys: string[] }): Promise<{ decided: DecidedCustomer[]; failed: number }> {
  const [catalog, contactPolicy] = await Promise.all([loadCatalog(pool, { alsoKeys: opts.alsoKeys }), loadContactPolicy(pool)]);
  const data = createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache({ maxEntries: PREFETCH_CHUNK * 2 }) });
  const decider = createDecider({
    data,
    journey: createJourneyAgent(),
    treatment: createTreatmentAgent({ catalog, model: null, contactPolicy }),
    policy: "rules",
    catalog,
  });
  const decided: DecidedCustomer[] = [];
  let failed = 0;
  for (let start = 0; start < opts.customerIds.length; start += PREFETCH_CHUNK) {
    const chunk = opts.customerIds.slice(start, start + PREFETCH_CHUNK);
    await data.process({ type: "prefetch_customers", customerIds: chunk });
    let next = 0;
    const worker = async () => {
      while (next < chunk.length) {
        const outcome = await decider.decide(chunk[next++]!);
        if (outcome.kind !== "decided") {
          if (outcome.kind === "failed") failed += 1;
          continue;
        }
        decided.push({ customerId: outcome.customerId, isHighValue: outcome.isHighValue, priority: outcome.priority, fates: outcome.decision.fates ?? [] });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }
  return { decided, failed };
}

function scaled(resources: PlanResource[], share: number): PlanResource[] {
  if (share >= 1) return resources;
  return resources.map((r) => {
    const available = Math.floor(r.available * share);
    return { ...r, available, reserveLeft: Math.min(available, Math.floor(r.reserveLeft * share)) };
  });
}

/** A sample's plan read as the whole scope's: value, reach and units grown by `factor`, prices (per unit) as they are. */
function grown(summary: PlanSummary, factor: number): PlanSummary {
  if (factor === 1) return summary;
  const money = (n: number) => Math.round(n * factor * 100) / 100;
  return {
    ...summary,
    totalValue: money(summary.totalValue),
    upperBound: summary.upperBound === null ? null : money(summary.upperBound),
    customers: Math.round(summary.customers * factor),
    noAction: Math.round(summary.noAction * factor),
    treatments: summary.treatments.map((t) => ({ ...t, customers: Math.round(t.customers * factor), value: money(t.value) })),
    resources: summary.resources.map((r) => ({ ...r, available: Math.round(r.available * factor), used: Math.round(r.used * factor) })),
  };
}

/**
 * Plans the scope's customers as things stand and under each variant (one or two), over the same
 * decisions. Refuses unknown keys and a reserve above its limit; writes nothing. Values are GBP of
 * expected value net of contact cost; with a solver the plans are optimal and priced, else greedy.
 */
export async function planScenarios(
  pool: pg.Pool,
  opts: { scope: RunScope; variants: ScenarioVariant[]; solver?: LpSolver; maxCustomers?: number },
): Promise<ScenarioResult> {
  const started = performance.now();
  const world = await readWorld(pool);
  const problems = opts.variants.flatMap((v) => scenarioProblems(world, v.changes).map((p) => (opts.variants.length > 1 ? `${v.name}: ${p}` : p)));
  if (problems.length > 0) throw new AppError({ code: "conflict", userMessage: problems.join(" ") });

  const inScope = await selectCustomers(pool, opts.scope);
  if (inScope.length === 0) throw new AppError({ code: "not_found", userMessage: "No customer matches this selection." });
  const planned = evenSample(inScope, opts.maxCustomers ?? SCENARIO_MAX_CUSTOMERS);
  const share = planned.length / inScope.length;

  const worlds = opts.variants.map((v) => applyScenario(world, v.changes));
  const activeSomewhere = [...new Set(worlds.flatMap((w) => w.treatments.filter((t) => t.isActive).map((t) => t.key)))];
  const [{ decided, failed }, held] = await Promise.all([decideAll(pool, { customerIds: planned, alsoKeys: activeSomewhere }), heldBy(pool, inScope)]);

  // Values were computed at today's costs: each world moves them by its own change of cost.
  const decidedWith = new Map<string, ScenarioTreatment>(world.treatments.map((t) => [t.key, t]));
  const strategy = opts.solver ? "optimal" : "greedy";
  const planIn = async (w: ScenarioWorld): Promise<{ plan: AllocationPlan; summary: PlanSummary }> => {
    const byKey = new Map(w.treatments.map((t) => [t.key, t]));
    const resources = scaled(planResources(w.resources, held), share);
    const customers = decided.map((c) => planCustomer(c, { decidedWith, world: byKey }));
    const plan = await planAllocation({ customers, resources, strategy }, { solver: opts.solver });
    return { plan, summary: grown(summarisePlan(plan, { world: w, resources }), 1 / share) };
  };

  const current = await planIn(world);
  const scenarios: ScenarioOutcome[] = [];
  for (const [i, w] of worlds.entries()) {
    const planned = await planIn(w);
    const comparison = comparePlans(current, planned);
    scenarios.push({ name: opts.variants[i]!.name, summary: planned.summary, comparison: share < 1 ? { ...comparison, customersChanged: Math.round(comparison.customersChanged / share) } : comparison });
  }
  const isSampled = share < 1;
  return {
    scope: { total: inScope.length, planned: planned.length, failed, isSampled },
    sampleNote: isSampled
      ? `Estimated from ${planned.length.toLocaleString("en-GB")} of ${inScope.length.toLocaleString("en-GB")} customers, chosen evenly across value tiers, with capacity cut to the same share; values, reach and units are scaled to the whole selection.`
      : null,
    current: current.summary,
    scenarios,
    durationMs: Math.round(performance.now() - started),
  };
}

// A customer list would make a saved scenario as large as the list; segments, tiers, patterns and a cap describe a scope in a few words.
export const scenarioScopeSchema = runScopeSchema.omit({ customerIds: true });

/** A scenario as the planner and the saved list take it: its changes and the customers it is planned over. */
export const scenarioInputSchema = z
  .object({
    name: z.string("The name must be text.").trim().min(1, "Give the scenario a name.").max(100, "Keep the name under 100 characters.").pipe(plainText("The name", { max: 100 })),
    changes: scenarioChangesSchema,
    scope: scenarioScopeSchema.default({}),
  })
  .strict();

export type ScenarioInput = z.input<typeof scenarioInputSchema>;
type ScenarioActor = { id: string | null; label: string };

/** Saves a scenario under its name, replacing the one of that name, with its audit entry in the same transaction. */
export async function saveScenario(pool: pg.Pool, opts: { actor: ScenarioActor; input: ScenarioInput }): Promise<{ id: string; isNew: boolean; message: string }> {
  const { name, changes, scope } = scenarioInputSchema.parse(opts.input);
  const world = await readWorld(pool);
  const problems = scenarioProblems(world, changes);
  if (problems.length > 0) throw new AppError({ code: "conflict", userMessage: problems.join(" ") });
  return withTransaction(pool, async (client) => {
    const { rows: existing } = await client.query<{ id: string; changes: unknown; scope: unknown }>(`SELECT id, changes, scope FROM "Scenario" WHERE name = $1 FOR UPDATE`, [name]);
    const before = existing[0] ?? null;
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "Scenario" (id, name, changes, scope, "createdById", "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, $4, now())
       ON CONFLICT (name) DO UPDATE SET changes = EXCLUDED.changes, scope = EXCLUDED.scope, "updatedAt" = now() RETURNING id`,
      [name, JSON.stringify(changes), JSON.stringify(scope), opts.actor.id],
    );
    const id = rows[0]!.id;
    await writeAudit(client, { actor: opts.actor, action: "scenario.save", entityType: "Scenario", entityId: id, before: before ? { name, changes: before.changes, scope: before.scope } : null, after: { name, changes, scope } });
    return { id, isNew: !before, message: before ? `Scenario “${name}” updated.` : `Scenario “${name}” saved.` };
  });
}

export type AppliedLimits = { message: string; changed: { key: string; name: string; before: { limit: number; reservedHighValue: number }; after: { limit: number; reservedHighValue: number } }[] };

/**
 * Sets every limit and reserve a saved scenario names, in one capacity transaction with one audit
 * entry; costs and activation stay for the catalog screen. Refused as a whole when any limit would
 * fall below what is committed, so a scenario is applied entirely or not at all.
 */
export async function applyScenarioLimits(opts: { pool: pg.Pool; store: CapacityStore; actor: ScenarioActor; scenarioId: string }): Promise<AppliedLimits> {
  const { rows } = await opts.pool.query<{ id: string; name: string; changes: unknown }>(`SELECT id, name, changes FROM "Scenario" WHERE id = $1`, [opts.scenarioId]);
  const saved = rows[0];
  if (!saved) throw new AppError({ code: "not_found", userMessage: "This scenario does not exist any more." });
  const changes = scenarioChangesSchema.parse(saved.changes);
  return opts.store.transact<AppliedLimits>(async (capacity) => {
    const changed: AppliedLimits["changed"] = [];
    const refusals: string[] = [];
    for (const c of changes.resources) {
      const resource = capacity.resources.get(c.key);
      if (!resource) {
        refusals.push(`There is no resource "${c.key}".`);
        continue;
      }
      const after = { limit: c.limit ?? resource.limit, reservedHighValue: c.reservedHighValue ?? resource.reservedHighValue };
      if (after.limit === resource.limit && after.reservedHighValue === resource.reservedHighValue) continue;
      if (after.reservedHighValue > after.limit) refusals.push(`${resource.name}: the high-value reserve (${after.reservedHighValue}) cannot be larger than the limit (${after.limit}).`);
      const refusal = limitRefusal(resource, after.limit);
      if (refusal) refusals.push(`${resource.name}: ${refusal} Lower it on the Constraints screen, which can release holds.`);
      changed.push({ key: resource.key, name: resource.name, before: { limit: resource.limit, reservedHighValue: resource.reservedHighValue }, after });
    }
    if (refusals.length > 0) throw new AppError({ code: "conflict", userMessage: refusals.join(" ") });
    if (changed.length === 0) return { value: { message: `No change: the limits already match “${saved.name}”.`, changed } };
    for (const c of changed) {
      const resource = capacity.resources.get(c.key)!;
      resource.limit = c.after.limit;
      resource.reservedHighValue = c.after.reservedHighValue;
    }
    const audit: AuditRecord = {
      actorId: opts.actor.id,
      actorLabel: opts.actor.label,
      action: "scenario.apply",
      entityType: "Scenario",
      entityId: saved.id,
      before: Object.fromEntries(changed.map((c) => [c.key, c.before])),
      after: { scenario: saved.name, ...Object.fromEntries(changed.map((c) => [c.key, c.after])) },
      reason: null,
    };
    const message = `Applied “${saved.name}”: ${changed.map((c) => `${c.name} ${c.before.limit} → ${c.after.limit}${c.before.reservedHighValue !== c.after.reservedHighValue ? ` (reserve ${c.before.reservedHighValue} → ${c.after.reservedHighValue})` : ""}`).join("; ")}.`;
    return { value: { message, changed }, writes: { audit: [audit] } };
  });
}
