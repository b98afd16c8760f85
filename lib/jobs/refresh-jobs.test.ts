import pg from "pg";
import { afterEach, describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { type JobQueue, QUEUES, type RefreshKind, openJobQueue, requestRefreshes } from "./queue";
import { type Worker, startWorker } from "./worker";

const queues: JobQueue[] = [];
const workers: Worker[] = [];

describe("refreshes after new data run as jobs", () => {
  const t = usePoolPerTest({ max: 10 });
  // After the test database's own hooks, so it runs first: queues stop before their pool ends.
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    for (const q of queues.splice(0)) await q.stop();
  });
  const waiting = async (name: string) =>
    (await t.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'created'`, [name])).rows[0]!.n;

  test("workers started together on a fresh database all open the queue, though they create its queues at the same moment", async () => {
    // A pool each, as separate worker processes have.
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: t.db.url, max: 2 }));
    try {
      const opened = await Promise.all(pools.map((pool) => openJobQueue(pool)));
      for (const q of opened) await q.stop();
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    const { rows } = await t.pool.query<{ name: string }>(`SELECT name FROM pgboss.queue ORDER BY name`);
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining([QUEUES.decide, QUEUES.allocate, QUEUES.failed, QUEUES.refreshInsights, QUEUES.refreshLearnedEffects]));
  });

  test.each([
    { kind: "insights" as RefreshKind, queue: QUEUES.refreshInsights },
    { kind: "learnedEffects" as RefreshKind, queue: QUEUES.refreshLearnedEffects },
  ])("a burst of requests for $kind leaves one job waiting, and a worker runs the refresh once", async ({ kind, queue }) => {
    const q = await openJobQueue(t.pool);
    queues.push(q);
    await q.enqueueRefreshes([kind]);
    await q.enqueueRefreshes([kind, kind]);
    await requestRefreshes(t.pool, [kind]);
    expect(await waiting(queue)).toBe(1);

    let calls = 0;
    const ran = new Promise<void>((resolve) => {
      const refresh = async () => {
        calls++;
        resolve();
        return "refreshed";
      };
      void startWorker({ pool: t.pool, model: null, expireInSeconds: 30, pollingIntervalSeconds: 0.5, log: () => {}, refreshes: { [kind]: refresh } }).then((w) => workers.push(w));
    });
    await ran;
    expect(calls).toBe(1);
    expect(await waiting(queue)).toBe(0);
  });

  test("every worker schedules both refreshes daily, once each", async () => {
    const q = await openJobQueue(t.pool);
    queues.push(q);
    await q.scheduleRefreshes();
    await q.scheduleRefreshes();
    const { rows } = await t.pool.query<{ name: string; cron: string }>(`SELECT name, cron FROM pgboss.schedule ORDER BY name`);
    expect(rows).toEqual([
      { name: QUEUES.refreshInsights, cron: "30 2 * * *" },
      { name: QUEUES.refreshLearnedEffects, cron: "30 2 * * *" },
    ]);
  });
});
