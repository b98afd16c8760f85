// Runs the agent pipeline from the command line.
// Usage: npm run pipeline -- [--limit N] [--segment S] [--tier low|medium|high|premium] [--customer ID ...] [--policy auto|rules|llm]
import { parseArgs } from "node:util";
import pg from "pg";
import { openDatabase } from "../database/connection";
import { getEnv } from "../env";
import { chatModelFromEnv } from "../llm/select-model";
import { type PolicyChoice, RunRequestError, createRun, executeRun, resolvePolicy, runScopeSchema } from "../pipeline/runs";

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        limit: { type: "string" },
        segment: { type: "string" },
        tier: { type: "string" },
        customer: { type: "string", multiple: true },
        policy: { type: "string", default: "auto" },
      },
    });
  } catch (err) {
    return fail((err as Error).message);
  }
})();

const limit = values.limit === undefined ? undefined : Number(values.limit);
const scope = runScopeSchema.safeParse({ limit, segment: values.segment, valueTier: values.tier, customerIds: values.customer });
if (!scope.success) fail(`Invalid selection: ${scope.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ")}`);
if (!["auto", "rules", "llm"].includes(values.policy!)) fail("--policy is one of auto, rules, llm");

const db = await openDatabase();
const pool = new pg.Pool({ connectionString: db.url, max: 8 });
try {
  const model = chatModelFromEnv(getEnv());
  const policy = resolvePolicy(values.policy as PolicyChoice, model);
  const { runId, customerIds } = await createRun(pool, { scope: scope.data, policy });
  console.log(`Run ${runId}: ${customerIds.length} customers, ${policy === "llm" ? `language model ${model?.name}` : "deterministic policy"}`);
  const summary = await executeRun(pool, { runId, customerIds, policy, model });
  if (!summary) {
    const { rows } = await pool.query(`SELECT error FROM "Run" WHERE id = $1`, [runId]);
    fail(`Run failed: ${rows[0]?.error}`);
  }
  const rate = summary.processed / Math.max(0.001, summary.durationMs / 1000);
  console.table({
    processed: summary.processed,
    "awaiting review": summary.byStatus.pending_review,
    "no action": summary.byStatus.no_action,
    failed: summary.byStatus.failed,
    fallbacks: summary.fallbacks,
    "model calls": summary.modelCalls,
    "prompt tokens": summary.promptTokens,
    "expected value (GBP)": summary.expectedValue,
    "duration (s)": summary.durationMs / 1000,
    "customers/s": Math.round(rate),
  });
  console.table(summary.byTreatment);
  for (const f of summary.failures.slice(0, 10)) console.log(`failed ${f.customerId}: ${f.reason}`);
} catch (err) {
  if (err instanceof RunRequestError) fail(err.message);
  throw err;
} finally {
  await pool.end();
  await db.release();
}
