// `npm run bench:list [-- --customers N] [--json]`
// Measures the customers screen's reads at scale on a throw-away PostgreSQL: N customers (default
// 1,000,000) inserted in one statement with a stored insight each, then each query timed over 20
// runs after a warm-up (mean and 95th percentile), saving a segment (writing its members), a run
// preview of everyone, and the Segmentation agent timed on 100,000 of them. With --json the last
// line of standard output is one JSON object of every number, with the machine's load averages.
import os from "node:os";
import pg from "pg";
import { createPrismaClient } from "../database/client";
import { ensureDatabaseExists } from "../database/embedded";
import { startBenchPostgres } from "./bench-server";
import { applyMigrations } from "../database/migrate";
import { round } from "../agents/journey/text";
import { createSegmentationAgent } from "../agents/segmentation/segmentation-agent";
import type { SavedSegment } from "../pipeline/segments";
import { previewRun } from "../pipeline/run-preview";
import { createSegment, findSegments, loadSegmentCustomers } from "../pipeline/segments";
import { listCustomerSegments, listCustomers } from "../queries/customers";
import { MAX_PAGE } from "../validations/list-params";
import { exitOnBadArgs, parseCommandArgs, wholeNumberArg } from "./args";

const usage = "Usage: npm run bench:list [-- --customers N] [--json]   (N from 1 to 5,000,000; default 1,000,000)";
const parsed = parseCommandArgs(process.argv.slice(2), { customers: { type: "string", default: "1000000" }, json: { type: "boolean", default: false } });
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const customers = wholeNumberArg("--customers", parsed.values.customers, { min: 1, max: 5_000_000 });
if (!customers.ok) exitOnBadArgs(customers, usage);
const count = customers.value;
const isJson = parsed.values.json === true;
const log = (m: string) => console.error(`[bench:list] ${m}`);

const server = await startBenchPostgres("bench-list-pg", log);
const url = server.urlFor("cvm_bench_list");
await ensureDatabaseExists(server.urlFor("postgres"), "cvm_bench_list");
await applyMigrations(url);
const pool = new pg.Pool({ connectionString: url, max: 2 });
pool.on("error", () => {});
const db = createPrismaClient(url);
try {
  log(`Inserting ${count.toLocaleString("en-GB")} customers...`);
  await pool.query(
    `INSERT INTO "Customer" (id, name, segment, plan, "contractType", "tenureMonths", "monthlyRevenue", "valueTier", region, language, "updatedAt")
     SELECT 'CUS-' || lpad(i::text, 7, '0'),
            (ARRAY['Thomas','Grace','Amira','Oliver','Priya','Jack','Mei','Sofia'])[1 + i % 8] || ' ' ||
              (ARRAY['Watson','Hopper','Khan','Smith','Patel','Jones','Chen','Rossi','Evans','Wright'])[1 + (i / 8) % 10] || ' ' || i,
            (ARRAY['consumer','family','small_business','student','senior'])[1 + i % 5], 'Unlimited', 'month_to_month', i % 72, 20 + (i % 80),
            (ARRAY['low','medium','high','premium'])[1 + i % 4]::"ValueTier", 'London', 'en', now()
       FROM generate_series(1, $1::int) i`,
    [count],
  );
  log("Inserting their insights...");
  // Spread like the demo's: about 1 in 7 shows declining usage, 1 in 5 is price-minded, risk evenly over [0, 1).
  await pool.query(
    `INSERT INTO "CustomerInsight" ("customerId", "churnRisk", "lifetimeValue", "valueTier", "monthlyRevenue", "tenureMonths", "revenueTrend", "usageTrend",
        "complaintCount", "complaintsLast90Days", "incidentsLast90Days", "latePayments", "missedPayments", patterns, "maxSeverity", "asOf", "updatedAt")
     SELECT c.id, (i::bigint * 7919 % 1000) / 1000.0, 200 + (i * 31 % 5000), c."valueTier", c."monthlyRevenue", c."tenureMonths",
            ((i * 13 % 61) - 30) / 100.0, ((i * 17 % 67) - 33) / 100.0, i % 4, i % 3, i % 2, i % 5, i % 7,
            p.patterns, CASE WHEN cardinality(p.patterns) > 0 THEN 'medium'::"PatternSeverity" END, now(), now()
       FROM (SELECT generate_series(1, $1::int) AS i) g
       JOIN "Customer" c ON c.id = 'CUS-' || lpad(g.i::text, 7, '0')
       CROSS JOIN LATERAL (SELECT array_remove(ARRAY[CASE WHEN i % 7 = 0 THEN 'declining_usage' END, CASE WHEN i % 5 = 0 THEN 'price_sensitive' END,
            CASE WHEN i % 11 = 0 THEN 'repeated_complaints' END], NULL) AS patterns) p`,
    [count],
  );
  await pool.query(`VACUUM ANALYZE "Customer"`);
  await pool.query(`VACUUM ANALYZE "CustomerInsight"`);
  const actor = { id: null, label: "bench:list" };
  log("Saving a rule segment (its members written in one statement)...");
  const savedAt = performance.now();
  const ruleSegment = await createSegment(pool, { segment: { name: "bench", kind: "rule", rule: { patterns: ["declining_usage"], minRisk: 0.5 } }, actor });
  const ruleSaveMs = performance.now() - savedAt;
  log("Finding segments on a sample of 2,000 for a found segment to filter by...");
  const found = await findSegments(pool, { seed: 1, limit: 2000 });
  const foundSavedAt = performance.now();
  const foundSegment: SavedSegment | null = found
    ? await createSegment(pool, { segment: { name: "bench found", kind: "found", model: found.model, modelIndex: 0, description: found.groups[0]?.description ?? "" }, actor })
    : null;
  const foundSaveMs = performance.now() - foundSavedAt;
  await pool.query(`VACUUM ANALYZE "SegmentMember"`);
  const lastPage = Math.min(MAX_PAGE, Math.max(1, Math.floor(count / 25)));
  const cases: { query: string; run: () => Promise<unknown> }[] = [
    { query: "segments for the filter", run: () => listCustomerSegments(db) },
    { query: "first page (25) with the total", run: () => listCustomers(db, { page: 1 }) },
    { query: `page ${lastPage.toLocaleString("en-GB")} (the deepest allowed)`, run: () => listCustomers(db, { page: lastPage }) },
    { query: "search by part of a name ('patel', 1 in 10 match)", run: () => listCustomers(db, { page: 1, search: "patel" }) },
    { query: "search by id prefix ('CUS-00012')", run: () => listCustomers(db, { page: 1, search: "CUS-00012" }) },
    { query: "search by name and number ('hopper 12345')", run: () => listCustomers(db, { page: 1, search: "hopper 12345" }) },
    { query: "segment filter, sorted by revenue descending", run: () => listCustomers(db, { page: 1, segment: "family", sort: "revenue", direction: "desc" }) },
    { query: "with a pending recommendation", run: () => listCustomers(db, { page: 1, hasPending: true }) },
    { query: "pattern filter (declining usage, 1 in 7)", run: () => listCustomers(db, { page: 1, pattern: "declining_usage" }) },
    { query: "pattern filter, sorted by revenue descending", run: () => listCustomers(db, { page: 1, pattern: "declining_usage", sort: "revenue", direction: "desc" }) },
    { query: "saved rule segment (declining usage, risk >= 0.5)", run: () => listCustomers(db, { page: 1, savedSegment: ruleSegment }) },
    ...(foundSegment ? [{ query: `saved found segment (largest of ${found?.k} groups)`, run: () => listCustomers(db, { page: 1, savedSegment: foundSegment }) }] : []),
  ];
  const RUNS = 20;
  const rows: { query: string; "mean ms": number; "p95 ms": number; "min ms": number; "max ms": number }[] = [];
  for (const c of cases) {
    await c.run();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await c.run();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    // Nearest rank: the 19th of 20.
    const p95 = times[Math.ceil(0.95 * times.length) - 1]!;
    rows.push({ query: c.query, "mean ms": round(times.reduce((a, b) => a + b, 0) / RUNS, 1), "p95 ms": round(p95, 1), "min ms": round(times[0]!, 1), "max ms": round(times.at(-1)!, 1) });
  }
  console.log(`Customers screen reads at ${count.toLocaleString("en-GB")} customers (${RUNS} runs each after a warm-up)`);
  console.table(rows);

  const segmentCount = Math.min(count, 100_000);
  const t0 = performance.now();
  const sample = await loadSegmentCustomers(pool, { seed: 1, limit: segmentCount < count ? segmentCount : undefined });
  const loadedMs = performance.now() - t0;
  const t1 = performance.now();
  const segmented = await createSegmentationAgent().process({ type: "segment_customers", customers: sample, seed: 1 });
  const segmentMs = performance.now() - t1;
  if (!segmented.ok || segmented.type !== "segment_customers") throw new Error("segmentation failed");
  console.log(`Segmenting ${sample.length.toLocaleString("en-GB")} customers (k = ${segmented.data.k}, ${segmented.data.criterion})`);
  console.table([
    { step: "read their insights", ms: Math.round(loadedMs) },
    { step: "segment_customers (target under 10 s)", ms: Math.round(segmentMs) },
  ]);
  const previewTimes: number[] = [];
  for (let i = 0; i < 3; i++) previewTimes.push((await previewRun(pool, {})).durationMs);
  const steps = {
    "save rule segment (writes its members)": Math.round(ruleSaveMs),
    "save found segment (writes its members)": Math.round(foundSaveMs),
    "run preview of all customers (slowest of 3)": Math.max(...previewTimes),
  };
  console.log(`Writes and previews at ${count.toLocaleString("en-GB")} customers`);
  console.table(Object.entries(steps).map(([step, ms]) => ({ step, ms })));
  if (isJson) {
    const result = {
      customers: count,
      runs: RUNS,
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
      reads: rows.map((r) => ({ query: r.query, meanMs: r["mean ms"], p95Ms: r["p95 ms"], minMs: r["min ms"], maxMs: r["max ms"] })),
      steps: { ...steps, "read insights to segment": Math.round(loadedMs), "segment_customers": Math.round(segmentMs) },
      segmented: { customers: sample.length, k: segmented.data.k },
    };
    console.log(JSON.stringify(result));
  }
} finally {
  await db.$disconnect();
  await pool.end();
  await server.stop();
}
