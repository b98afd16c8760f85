// What a run over a scope would cover and likely consume, before it starts: the scope's size
// counted in SQL, and a dry decide (rules, nothing written, no capacity held) of a sample drawn in
// SQL, scaled to the whole. Neither loads the scope's ids, so a million-customer scope stays quick.
import type pg from "pg";
import type { CustomerDataSource } from "../agents/ports";
import { createDataAgent } from "../agents/data/data-agent";
import { createJourneyAgent } from "../agents/journey/journey-agent";
import { createDecider } from "../agents/orchestrator/decide";
import { createTreatmentAgent } from "../agents/treatment/treatment-agent";
import { loadCatalog } from "./catalog";
import { loadContactPolicy } from "./contact-policy";
import { createCustomerCache } from "./customer-cache";
import { createPgCustomerSource } from "./customer-source";
import { type RunScope, runScopeConditions } from "./runs";

/** Customers decided for a preview: enough to show the mix, few enough to answer well within a second. */
export const PREVIEW_SAMPLE = 40;

export type RunPreview = {
  /** Customers the run would cover. */
  total: number;
  /** Customers decided for the estimate. */
  sampled: number;
  /** Per resource: units the sample's decisions would take, scaled to `total`, and the room left now. */
  resources: { key: string; name: string; units: number; remaining: number | null }[];
  /** Share of customers the rules would leave alone, in [0, 1]. */
  noActionShare: number;
  durationMs: number;
};

/** Scopes up to this size are sampled exactly (the first PREVIEW_SAMPLE by a hash of id); larger ones by a Bernoulli table sample first. */
const EXACT_SAMPLE_UP_TO = 5_000;
/** A Bernoulli sample aims at this many times PREVIEW_SAMPLE in-scope rows, so falling short is very unlikely. */
const SAMPLE_MARGIN = 5;

/** The run's own scope conditions over the customer alias `c`; a limit is the id of the scope's last customer in id order. */
async function scopeConditions(pool: Pick<pg.ClientBase, "query">, scope: RunScope): Promise<{ where: string[]; params: unknown[] }> {
  const params: unknown[] = [];
  const where = await runScopeConditions(pool, scope, params);
  if (scope.limit) {
    const { rows } = await pool.query<{ id: string }>(
      `SELECT c.id FROM "Customer" c ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY c.id OFFSET $${params.length + 1} LIMIT 1`,
      [...params, scope.limit - 1],
    );
    if (rows[0]) where.push(`c.id <= $${params.push(rows[0].id)}`);
  }
  return { where, params };
}

/**
 * The scope's size and up to PREVIEW_SAMPLE of its customer ids, both in SQL: a small scope's sample
 * is its first customers by a hash of id, a large one's a repeatable Bernoulli sample of the table
 * kept to the scope, so the same data previews the same customers.
 */
export async function sampleScope(pool: Pick<pg.ClientBase, "query">, scope: RunScope): Promise<{ total: number; sample: string[] }> {
  const { where, params } = await scopeConditions(pool, scope);
  const whereSql = where.length ? `WHERE ${where.join(" AND ")}` : "";
  const { rows: counted } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Customer" c ${whereSql}`, params);
  const total = counted[0]?.n ?? 0;
  const byHash = async (from: string) =>
    (await pool.query<{ id: string }>(`SELECT c.id FROM ${from} ${whereSql} ORDER BY md5(c.id) LIMIT ${PREVIEW_SAMPLE}`, params)).rows.map((r) => r.id);
  if (total <= EXACT_SAMPLE_UP_TO) return { total, sample: total ? await byHash(`"Customer" c`) : [] };
  const percent = Math.min(100, (100 * SAMPLE_MARGIN * PREVIEW_SAMPLE) / total);
  const sample = await byHash(`"Customer" c TABLESAMPLE BERNOULLI (${percent.toFixed(6)}) REPEATABLE (1)`);
  return { total, sample: sample.length === PREVIEW_SAMPLE ? sample : await byHash(`"Customer" c`) };
}

/**
 * Previews a run over `scope`: its size exactly, its consumption estimated from the rules' decisions
 * for a sample of PREVIEW_SAMPLE customers drawn in SQL (before capacity, so an estimate of demand, in
 * units). `source` loads the sampled customers (the database's unless a test watches the loads).
 */
export async function previewRun(pool: pg.Pool, scope: RunScope, opts: { source?: CustomerDataSource } = {}): Promise<RunPreview> {
  const started = Date.now();
  const { total, sample } = await sampleScope(pool, scope);
  const [catalog, contactPolicy, { rows: limits }] = await Promise.all([
    loadCatalog(pool),
    loadContactPolicy(pool),
    pool.query<{ key: string; name: string; remaining: number }>(`SELECT key, name, ("limit" - used)::int AS remaining FROM "ResourceConstraint" ORDER BY key`),
  ]);
  const data = createDataAgent({ source: opts.source ?? createPgCustomerSource(pool), cache: createCustomerCache({ maxEntries: PREVIEW_SAMPLE * 2 }) });
  const decider = createDecider({ data, journey: createJourneyAgent(), treatment: createTreatmentAgent({ catalog, model: null, contactPolicy }), policy: "rules", catalog });
  if (sample.length) await data.process({ type: "prefetch_customers", customerIds: sample });
  const outcomes = await Promise.all(sample.map((id) => decider.decide(id)));
  const byKey = new Map(catalog.map((t) => [t.key, t]));
  const units = new Map<string, number>();
  let decided = 0;
  let noAction = 0;
  for (const o of outcomes) {
    if (o.kind !== "decided") continue;
    decided++;
    if (o.decision.isNoAction) noAction++;
    const t = byKey.get(o.decision.treatmentKey);
    if (t?.resourceKey && !o.decision.isNoAction) units.set(t.resourceKey, (units.get(t.resourceKey) ?? 0) + t.unitsPerContact);
  }
  const scale = decided ? total / decided : 0;
  return {
    total,
    sampled: decided,
    resources: limits.map((r) => ({ key: r.key, name: r.name, units: Math.round((units.get(r.key) ?? 0) * scale), remaining: r.remaining })),
    noActionShare: decided ? noAction / decided : 0,
    durationMs: Date.now() - started,
  };
}
