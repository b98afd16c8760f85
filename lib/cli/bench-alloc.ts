// `npm run bench:alloc [-- --json] [--sizes 2000,20000,100000]`
// How close each allocation strategy comes to the LP optimum. Customers come from the demo seed's
// generator (seed 42, a fixed anchor) and are decided in memory by the journey analysis and the rules
// policy, as a run would: each customer's compliant options above no action, with their value. The
// limits are the default catalog's, scaled to the customer count as a fresh database scales them
// (base × N / 500): at that scale the call queues and upgrade offers bind. Decided options are cached
// under node_modules/.cache/bench-alloc, so only the first run of a size pays for the decisions.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generateBundle } from "../../prisma/seed/generate";
import type { CustomerData, TreatmentDefinition } from "../agents/domain";
import { type PlanCustomer, type PlanResource, planAllocation } from "../agents/allocation/optimize";
import { allocationLinearProgram } from "../agents/allocation/optimal";
import { analyzeJourney } from "../agents/journey/analyze";
import { buildJourney } from "../agents/journey/build";
import { round } from "../agents/journey/text";
import { isHighValueTier } from "../agents/rules/value-tier";
import { rankedOptionsFor } from "../agents/treatment/rules-policy";
import { defaultTreatmentCatalog, scaledResources } from "../catalog/defaults";
import { createHighsSolver } from "../optimization/highs";
import { exitOnBadArgs, parseCommandArgs } from "./args";

const usage = "Usage: npm run bench:alloc [-- --json] [--sizes 2000,20000,100000]";
const parsed = parseCommandArgs(process.argv.slice(2), {
  json: { type: "boolean", default: false },
  sizes: { type: "string", default: "2000,20000,100000" },
});
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const sizes = parsed.values.sizes.split(",").map((s) => Number(s.trim()));
if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1_000_000)) {
  exitOnBadArgs({ ok: false, error: `--sizes must be whole numbers from 1 to 1,000,000, separated by commas; got "${parsed.values.sizes}".` }, usage);
}

const SEED = 42;
const ANCHOR = new Date("2026-12-01T00:00:00Z");
const CACHE_DIR = path.join(process.cwd(), "node_modules", ".cache", "bench-alloc");

const catalog: TreatmentDefinition[] = defaultTreatmentCatalog.map(({ resource, ...t }) => ({ ...t, resourceKey: resource?.key ?? null, unitsPerContact: 1 }));

function withoutUpdatedAt<T extends { updatedAt: Date }>(row: T): Omit<T, "updatedAt"> {
  const { updatedAt: _updatedAt, ...rest } = row;
  return rest;
}

/** A seeded customer as the customer source would load it from the seeded database. */
function customerData(index: number): CustomerData {
  const { customer, contact, events } = generateBundle({ seed: SEED, anchor: ANCHOR }, index);
  const profile = {
    id: customer.id, name: customer.name, segment: customer.segment, plan: customer.plan, contractType: customer.contractType,
    tenureMonths: customer.tenureMonths, monthlyRevenue: customer.monthlyRevenue, totalRevenue: customer.totalRevenue,
    valueTier: customer.valueTier, region: customer.region, language: customer.language, source: "seed" as const, attributes: customer.attributes,
  };
  return {
    profile,
    events: events.map((e, n) => ({ id: `${customer.id}-${n}`, type: e.type, occurredAt: e.occurredAt.toISOString(), summary: e.summary, attributes: e.attributes })),
    permissions: {
      hasRecord: contact.permissions.length > 0 || contact.preference !== null,
      channels: contact.permissions.map(({ channel, marketing, serviceUpdates, billing }) => ({ channel, marketing, serviceUpdates, billing })),
      preferences: contact.preference ? withoutUpdatedAt(contact.preference) : null,
    },
    priorContacts: [],
  };
}

/** The options a run would allocate for customer `index`: compliant, ranked above no action. */
function planCustomer(index: number): PlanCustomer {
  const data = customerData(index);
  const analysis = analyzeJourney(buildJourney(data), data.profile, ANCHOR.getTime());
  const { ranked } = rankedOptionsFor({ catalog, customer: data.profile, analysis, permissions: data.permissions, now: ANCHOR.toISOString() });
  const noAction = ranked.findIndex((o) => o.treatment.isNoAction);
  const above = noAction < 0 ? ranked : ranked.slice(0, noAction);
  const m = analysis.metrics;
  return {
    customerId: data.profile.id,
    isHighValue: isHighValueTier(m.valueTier),
    priority: Math.round(m.churnRisk * m.lifetimeValue * 100) / 100,
    options: above.map((o) => ({ treatmentKey: o.treatment.key, value: o.breakdown.value, resourceKey: o.treatment.resourceKey, units: o.treatment.unitsPerContact })),
  };
}

function customersFor(count: number): PlanCustomer[] {
  const file = path.join(CACHE_DIR, `options-${SEED}-${ANCHOR.toISOString().slice(0, 10)}-${count}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as PlanCustomer[];
  } catch {
    const started = performance.now();
    const customers = Array.from({ length: count }, (_, i) => planCustomer(i));
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(file, JSON.stringify(customers));
    console.error(`decided ${count.toLocaleString("en-GB")} customers in ${((performance.now() - started) / 1000).toFixed(1)} s (cached in ${path.relative(process.cwd(), file)})`);
    return customers;
  }
}

const solver = createHighsSolver();
const pct = (v: number, of: number) => (of > 0 ? (100 * v) / of : 100);
const gbp = (v: number) => `£${v.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
type Row = { customers: number; greedy: number; optimised: number; bound: number; greedySeconds: number; optimisedSeconds: number; exactLp: number | null; prices: Record<string, number>; binding: string[] };
const rows: Row[] = [];

for (const count of sizes) {
  const customers = customersFor(count);
  const resources: PlanResource[] = scaledResources(count).map((r) => ({ key: r.key, name: r.name, available: r.limit, reserveLeft: r.reservedHighValue }));
  let t = performance.now();
  const greedy = await planAllocation({ customers, resources, strategy: "greedy" }, {});
  const greedySeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const optimal = await planAllocation({ customers, resources, strategy: "optimal" }, { solver });
  const optimisedSeconds = (performance.now() - t) / 1000;
  // The whole LP solved directly checks the dual bound where HiGHS can take it in seconds.
  const exactLp = count <= 20_000 ? (await solver.solve(allocationLinearProgram(customers, resources))).objective : null;
  const binding = Object.entries(optimal.prices).filter(([, p]) => p > 0).map(([k]) => k);
  rows.push({ customers: count, greedy: greedy.totalValue, optimised: optimal.totalValue, bound: optimal.upperBound!, greedySeconds, optimisedSeconds, exactLp, prices: optimal.prices, binding });
}

console.log("customers  greedy (share, s)                optimised (share, s)             LP optimum (bound)   exact LP");
for (const r of rows) {
  console.log(
    [
      r.customers.toLocaleString("en-GB").padStart(9),
      `${gbp(r.greedy)} (${pct(r.greedy, r.bound).toFixed(2)}%, ${r.greedySeconds.toFixed(2)} s)`.padEnd(32),
      `${gbp(r.optimised)} (${pct(r.optimised, r.bound).toFixed(3)}%, ${r.optimisedSeconds.toFixed(2)} s)`.padEnd(32),
      gbp(r.bound).padEnd(20),
      r.exactLp === null ? "not solved" : gbp(r.exactLp),
    ].join("  "),
  );
  console.log(`           prices: ${r.binding.map((k) => `${k} ${gbp(r.prices[k]!)}`).join(", ") || "none binds"}`);
}

if (parsed.values.json) {
  // Every size measured, whichever were asked for; the named keys read the sizes the README quotes.
  const sizes = rows.map((r) => ({
    customers: r.customers,
    alloc_share_of_optimum: round(pct(r.optimised, r.bound), 3),
    greedy_share_of_optimum: round(pct(r.greedy, r.bound), 3),
    alloc_seconds: round(r.optimisedSeconds, 3),
    greedy_seconds: round(r.greedySeconds, 3),
    bound_gbp: round(r.bound, 2),
    exact_lp_gbp: r.exactLp === null ? null : round(r.exactLp, 2),
  }));
  const at = (customers: number) => sizes.find((s) => s.customers === customers);
  console.log(
    JSON.stringify({
      alloc_share_of_optimum_2k: at(2_000)?.alloc_share_of_optimum ?? null,
      alloc_share_of_optimum_20k: at(20_000)?.alloc_share_of_optimum ?? null,
      alloc_share_of_optimum_100k: at(100_000)?.alloc_share_of_optimum ?? null,
      greedy_share_of_optimum_100k: at(100_000)?.greedy_share_of_optimum ?? null,
      alloc_seconds_100k: at(100_000)?.alloc_seconds ?? null,
      sizes,
    }),
  );
}
