// Putting the demo back as it was: a fresh deterministic seed, refused while a run is in progress
// (its background work would write into the tables being replaced) or while another reset runs;
// no run can be created while it reseeds.
import pg from "pg";
import { seedDemo } from "../../prisma/seed/index";
import { writeAudit } from "../audit/write";
import { invalidateCustomerData } from "../agents/data/data-agent";
import { AppError } from "../errors";
import { DEMO_RESET_LOCK_KEY } from "../pipeline/runs";
import { seedDemoHistory } from "./history";

/** The demo size `npm start` seeds on an empty database. */
export const DEMO_CUSTOMERS = 2000;

export type ResetDemoOptions = {
  url: string;
  actor: { id: string | null; label: string };
  /** Defaults to DEMO_CUSTOMERS. */
  customers?: number;
  /** Weeks of past runs and simulated outcomes after the seed (seedDemoHistory); true unless false. */
  hasHistory?: boolean;
};

export type ResetDemoResult = { customers: number; events: number; durationMs: number };

/**
 * Replaces every table's contents with the demo seed (atomic: a failure keeps the previous data),
 * records who reset it, then adds the demo's weeks of history. Refuses while a run is queued or running, or another reset is under way.
 */
export async function resetDemo(opts: ResetDemoOptions): Promise<ResetDemoResult> {
  const started = Date.now();
  let seeded: { customers: number; events: number };
  const client = new pg.Client({ connectionString: opts.url, application_name: "cvm-demo-reset" });
  await client.connect();
  try {
    // Exclusive: runs being created hold the same key shared (see createRun), so none can start
    // until this reset releases it, and one created just before is seen below as queued.
    const { rows: lock } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1) AS ok`, [DEMO_RESET_LOCK_KEY]);
    if (!lock[0]?.ok) throw await lockRefusal(client);
    try {
      const { rows: active } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Run" WHERE status IN ('queued', 'running')`);
      const activeRuns = Number(active[0]?.n ?? 0);
      if (activeRuns > 0) {
        throw new AppError({
          code: "conflict",
          userMessage: `A run is in progress (${activeRuns === 1 ? "1 run" : `${activeRuns} runs`}); cancel it or wait for it to end before resetting the demo.`,
        });
      }
      const summary = await seedDemo({
        url: opts.url,
        customers: opts.customers ?? DEMO_CUSTOMERS,
        // Recorded in the reseed's own transaction: the reset and its entry commit together.
        beforeCommit: (seedClient, seeded) =>
          writeAudit(seedClient, { actor: opts.actor, action: "demo.reset", entityType: "Demo", entityId: "demo", before: null, after: seeded }),
      });
      // Every customer was replaced: nothing cached in this process is true any more.
      await invalidateCustomerData();
      seeded = summary;
    } finally {
      await client.query(`SELECT pg_advisory_unlock($1)`, [DEMO_RESET_LOCK_KEY]).catch(() => {});
    }
    // After the lock: the history's run is created as any run is, which a reset in progress refuses.
    if (opts.hasHistory !== false) await seedDemoHistory({ url: opts.url });
    return { customers: seeded.customers, events: seeded.events, durationMs: Date.now() - started };
  } finally {
    await client.end().catch(() => {});
  }
}

// Who holds the lock decides only the wording: another reset holds it exclusively, a run being
// created holds it shared for the moment its row takes to write.
async function lockRefusal(client: pg.Client): Promise<AppError> {
  const { rows } = await client.query<{ isReset: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM pg_locks
        WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND classid = 0 AND objid = $1 AND objsubid = 1 AND mode = 'ExclusiveLock' AND granted
     ) AS "isReset"`,
    [DEMO_RESET_LOCK_KEY],
  );
  return rows[0]?.isReset === false
    ? new AppError({ code: "conflict", userMessage: "A run is being started; wait for it to end before resetting the demo." })
    : new AppError({ code: "conflict", userMessage: "A demo reset is already in progress; wait for it to finish." });
}
