// What a run over a scope would cover and likely consume, before it starts: the scope's size, and a
// dry decide (rules, nothing written, no capacity held) of an even sample scaled to the whole.
import type pg from "pg";
import { createDataAgent } from "../agents/data/data-agent";
import { createJourneyAgent } from "../agents/journey/journey-agent";
import { createDecider } from "../agents/orchestrator/decide";
import { createTreatmentAgent } from "../agents/treatment/treatment-agent";
import { loadCatalog } from "./catalog";
import { loadContactPolicy } from "./contact-policy";
import { createCustomerCache } from "./customer-cache";
import { createPgCustomerSource } from "./customer-source";
import { type RunScope, selectCustomers } from "./runs";

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

/**
 * Previews a run over `scope`: its size exactly, its consumption estimated from the rules' decisions
 * for an even sample of PREVIEW_SAMPLE customers (before capacity, so an estimate of demand, in units).
 */
export async function previewRun(pool: pg.Pool, scope: RunScope): Promise<RunPreview> {
  const started = Date.now();
  const ids = await selectCustomers(pool, scope);
  const step = Math.max(1, ids.length / PREVIEW_SAMPLE);
  const sample = [...new Set(Array.from({ length: Math.min(PREVIEW_SAMPLE, ids.length) }, (_, i) => ids[Math.floor(i * step)]!))];
  const [catalog, contactPolicy, { rows: limits }] = await Promise.all([
    loadCatalog(pool),
    loadContactPolicy(pool),
    pool.query<{ key: string; name: string; remaining: number }>(`SELECT key, name, ("limit" - used)::int AS remaining FROM "ResourceConstraint" ORDER BY key`),
  ]);
  const data = createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache({ maxEntries: PREVIEW_SAMPLE * 2 }) });
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
  const scale = decided ? ids.length / decided : 0;
  return {
    total: ids.length,
    sampled: decided,
    resources: limits.map((r) => ({ key: r.key, name: r.name, units: Math.round((units.get(r.key) ?? 0) * scale), remaining: r.remaining })),
    noActionShare: decided ? noAction / decided : 0,
    durationMs: Date.now() - started,
  };
}
