// `npm run bench:review [-- --json] [--customers N] [--approvals N]`
// Times a bulk approval at queue scale on a throw-away PostgreSQL: seeds N customers (default
// 2,500), runs the deterministic pipeline over them with limits high enough that no approval is
// refused for capacity, selects every pending decision the way "Select all N matching" does, and
// approves the first 1,000 of that selection in batches of 200 through the function each batch's
// server action calls (re-checks of consent, activity, contact policy and capacity included).
import pg from "pg";
import { seedDemo } from "../../prisma/seed/index";
import { createPrismaClient } from "../database/client";
import { ensureDatabaseExists } from "../database/embedded";
import { startBenchPostgres } from "./bench-server";
import { applyMigrations } from "../database/migrate";
import { loadCatalog } from "../pipeline/catalog";
import { customerFactsOf, loadCustomerJourney } from "../pipeline/customer-journey";
import { createPgCapacityStore } from "../pipeline/pg-capacity-store";
import { reviewRecommendations } from "../pipeline/review";
import { reviewInBatches } from "../pipeline/review/bulk";
import { undoReviews } from "../pipeline/review/undo";
import { createRun, executeRun } from "../pipeline/runs";
import { selectMatchingReviews } from "../queries/recommendations";
import { MAX_MATCHING_SELECTION, REVIEW_BATCH_SIZE } from "../validations/review";
import { exitOnBadArgs, parseCommandArgs, wholeNumberArg } from "./args";

const usage = "Usage: npm run bench:review [-- --json] [--customers N] [--approvals N]   (defaults: 2,500 customers, 1,000 approvals)";
const parsed = parseCommandArgs(process.argv.slice(2), {
  json: { type: "boolean", default: false },
  customers: { type: "string", default: "2500" },
  approvals: { type: "string", default: "1000" },
});
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const customersArg = wholeNumberArg("--customers", parsed.values.customers, { min: 10, max: 200_000 });
if (!customersArg.ok) exitOnBadArgs(customersArg, usage);
const approvalsArg = wholeNumberArg("--approvals", parsed.values.approvals, { min: 1, max: MAX_MATCHING_SELECTION });
if (!approvalsArg.ok) exitOnBadArgs(approvalsArg, usage);
const customers = customersArg.value;
const approvals = approvalsArg.value;
const log = (m: string) => console.error(`[bench:review] ${m}`);
const seconds = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(2));

const server = await startBenchPostgres("bench-review-pg", log);
const url = server.urlFor("cvm_bench_review");
await ensureDatabaseExists(server.urlFor("postgres"), "cvm_bench_review");
await applyMigrations(url);
const pool = new pg.Pool({ connectionString: url, max: 8 });
pool.on("error", () => {});
const db = createPrismaClient(url);
try {
  log(`Seeding ${customers.toLocaleString("en-GB")} customers...`);
  await seedDemo({ url, customers });
  // Capacity is not what is measured: every decision may hold and confirm its unit.
  await pool.query(`UPDATE "ResourceConstraint" SET "limit" = 10000000, "reservedHighValue" = 0`);
  const { rows: everyone } = await pool.query<{ id: string }>(`SELECT id FROM "Customer" ORDER BY id`);
  log("Running the deterministic pipeline...");
  const t0 = performance.now();
  const run = await createRun(pool, { scope: { customerIds: everyone.map((c) => c.id) }, policy: "rules" });
  await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null });
  const runSeconds = seconds(t0);
  await pool.query(`VACUUM ANALYZE`);

  // The app's client is warm; the first query of this one would time its connection instead.
  await db.recommendation.count();
  const t1 = performance.now();
  const selection = await selectMatchingReviews(db, {}, { max: MAX_MATCHING_SELECTION });
  const selectSeconds = seconds(t1);
  if (selection.isTooMany || selection.count < approvals) {
    throw new Error(`${selection.count} decisions wait for review; ${approvals} are needed. Seed more customers (--customers).`);
  }
  const ids = selection.ids.slice(0, approvals);
  const catalog = await loadCatalog(pool);
  const store = createPgCapacityStore(pool);
  const reviewer = { id: null, label: "Bench reviewer" };
  log(`Approving ${approvals.toLocaleString("en-GB")} of ${selection.count.toLocaleString("en-GB")} pending in batches of ${REVIEW_BATCH_SIZE}...`);
  const t2 = performance.now();
  const outcome = await reviewInBatches({
    ids,
    batchSize: REVIEW_BATCH_SIZE,
    reviewBatch: (batch) =>
      reviewRecommendations({
        store,
        catalog,
        recommendationIds: batch,
        action: { kind: "approve" },
        reviewer,
        loadFacts: async (customerId) => {
          const journey = await loadCustomerJourney(pool, customerId);
          return journey ? customerFactsOf(journey, new Date().toISOString()) : null;
        },
      }),
    onProgress: (p) => log(`  ${p.finished} of ${p.total}`),
  });
  const approveSeconds = seconds(t2);

  const t3 = performance.now();
  const undone = await undoReviews({ pool, recommendationIds: outcome.done, actor: { id: null, label: "Bench reviewer", isManager: true }, windowMinutes: 60 });
  const undoSeconds = seconds(t3);

  const result = {
    customers,
    pending: selection.count,
    run_s: runSeconds,
    select_all_matching_s: selectSeconds,
    bulk_approve_1000_s: approvals === 1000 ? approveSeconds : null,
    bulk_approve_s: approveSeconds,
    approvals_requested: approvals,
    approved: outcome.done.length,
    refused: outcome.skipped.length,
    approvals_per_s: Number((outcome.done.length / approveSeconds).toFixed(0)),
    undo_s: undoSeconds,
    undone: undone.undone.length,
  };
  console.log(`Bulk review of ${approvals.toLocaleString("en-GB")} decisions selected by filter (${customers.toLocaleString("en-GB")} customers seeded)`);
  console.table([
    { step: "select all matching (ids, totals)", seconds: selectSeconds, count: selection.count },
    { step: `approve in batches of ${REVIEW_BATCH_SIZE}`, seconds: approveSeconds, count: outcome.done.length },
    { step: "undo the approvals (one transaction)", seconds: undoSeconds, count: undone.undone.length },
  ]);
  if (outcome.skipped.length > 0) log(`Refused: ${[...new Set(outcome.skipped.map((s) => s.reason))].slice(0, 5).join(" | ")}`);
  if (parsed.values.json) console.log(JSON.stringify(result));
} finally {
  await db.$disconnect();
  await pool.end();
  await server.stop();
}
