import pg from "pg";
import { afterEach, describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { type JobQueue, QUEUES, openJobQueue } from "./queue";

const queues: JobQueue[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("stopping the queue", () => {
  const t = usePoolPerTest({ max: 6 });
  // After the test database's own hooks, so it runs first: queues stop before their pool ends.
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.stop().catch(() => {});
  });

  test.each([
    { name: "a job whose handler returns as the queue stops is completed before stop resolves", isFailing: false, state: "completed" },
    { name: "a job whose handler throws as the queue stops is set to retry before stop resolves", isFailing: true, state: "retry" },
    { name: "the same with a worker's patient database", isFailing: false, state: "completed", databaseRetry: { attempts: 3 } },
    { name: "a stop that fails still waits for the completion, then reports its error", isFailing: false, state: "completed", isStopFailing: true },
  ])("$name", async ({ isFailing, state, databaseRetry, isStopFailing }) => {
    const q = await openJobQueue(t.pool, { pollingIntervalSeconds: 0.5, ...(databaseRetry ? { databaseRetry, log: () => {} } : {}) });
    queues.push(q);
    if (isStopFailing) {
      const stopBoss = q.boss.stop.bind(q.boss);
      q.boss.stop = async (options) => {
        await stopBoss(options);
        throw new Error("the queue could not stop");
      };
    }
    const jobId = await q.boss.send(QUEUES.refreshInsights, {}, { retryLimit: 1, retryDelay: 60 });
    let release: () => void = () => {};
    const handlerMayReturn = new Promise<void>((resolve) => (release = resolve));
    let hasStarted = false;
    await q.boss.work(QUEUES.refreshInsights, { batchSize: 1 }, async () => {
      hasStarted = true;
      await handlerMayReturn;
      if (isFailing) throw new Error("refresh failed");
    });
    while (!hasStarted) await sleep(20);

    // Another session holds the job's row, so the queue's completion of it waits.
    const locker = await t.pool.connect();
    try {
      await locker.query("BEGIN");
      await locker.query(`SELECT id FROM pgboss.job WHERE id = $1 FOR UPDATE`, [jobId]);
      let isStopped = false;
      let stopError = null as Error | null;
      const stopping = q.stop().then(
        () => void (isStopped = true),
        (err: Error) => void ((isStopped = true), (stopError = err)),
      );
      release();
      // The handler has returned and the queue has no job in hand, but its completion is not written yet.
      await sleep(1_500);
      expect(isStopped).toBe(false);
      await locker.query("COMMIT");
      await stopping;
      expect(stopError?.message ?? null).toBe(isStopFailing ? "the queue could not stop" : null);
    } finally {
      locker.release();
    }
    const { rows } = await t.pool.query<{ state: string }>(`SELECT state::text FROM pgboss.job WHERE id = $1`, [jobId]);
    expect(rows[0]?.state).toBe(state);
  });

  test.each([
    { name: "a plain pool", databaseRetry: undefined },
    { name: "a worker's patient database", databaseRetry: { attempts: 2 } },
  ])("a completion sent after the queue stopped and its pool ended is said and dropped, not left to reject unheard ($name)", async ({ databaseRetry }) => {
    const pool = new pg.Pool({ connectionString: t.db.url, max: 2 });
    const log: string[] = [];
    const q = await openJobQueue(pool, { log: (m) => log.push(m), ...(databaseRetry ? { databaseRetry } : {}) });
    await q.stop();
    await pool.end();
    // As pg-boss sends a job's completion: without awaiting it.
    await expect(q.boss.getDb().executeSql("SELECT 1", [])).resolves.toEqual({ rows: [] });
    expect(log).toEqual([expect.stringMatching(/^\[queue\] A statement sent as the queue stopped was dropped \(Cannot use a pool after calling end on the pool\); a job it would have completed or failed expires and is retried\.$/)]);
  });

  test("before the queue stops, a statement that fails still fails", async () => {
    const q = await openJobQueue(t.pool);
    queues.push(q);
    await expect(q.boss.getDb().executeSql("SELECT no_such_column FROM pgboss.job", [])).rejects.toThrow(/no_such_column/);
  });
});
