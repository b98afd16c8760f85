import { hostname } from "node:os";
import pg from "pg";
import { describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { WORKER_LIVE_SECONDS, countLiveWorkers, startHeartbeat } from "./heartbeat";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Row = { id: string; host: string; pid: number; concurrency: number; hasModel: boolean; startedAt: Date; lastSeenAt: Date };

describe("a worker's heartbeat", () => {
  const t = usePoolPerTest();
  const rowOf = async (id: string) => (await t.pool.query<Row>(`SELECT * FROM "WorkerHeartbeat" WHERE id = $1`, [id])).rows[0] ?? null;
  const live = () => countLiveWorkers(t.pool);

  test("writes its row when it starts, renews it with every beat, and removes it when it stops", async () => {
    const heartbeat = startHeartbeat(t.pool, { concurrency: 3, intervalMs: 100 });
    await expect.poll(() => rowOf(heartbeat.id)).not.toBeNull();
    const first = (await rowOf(heartbeat.id))!;
    expect(first).toMatchObject({ host: hostname(), pid: process.pid, concurrency: 3 });
    expect(heartbeat.id.startsWith(`${hostname()}:${process.pid}:`)).toBe(true);
    await expect.poll(async () => (await rowOf(heartbeat.id))!.lastSeenAt.getTime()).toBeGreaterThan(first.lastSeenAt.getTime());
    expect((await rowOf(heartbeat.id))!.startedAt).toEqual(first.startedAt);
    expect(await live()).toBe(1);
    await heartbeat.stop();
    expect(await rowOf(heartbeat.id)).toBeNull();
    expect(await live()).toBe(0);
  });

  test.each([
    { hasModel: true, stored: true },
    { hasModel: false, stored: false },
    { hasModel: undefined, stored: false },
  ])("says whether the worker has the language model: $hasModel → $stored", async ({ hasModel, stored }) => {
    const heartbeat = startHeartbeat(t.pool, { concurrency: 1, ...(hasModel === undefined ? {} : { hasModel }) });
    await expect.poll(() => rowOf(heartbeat.id)).not.toBeNull();
    expect((await rowOf(heartbeat.id))!.hasModel).toBe(stored);
    await heartbeat.stop();
  });

  test("two workers in one process keep a row each", async () => {
    const a = startHeartbeat(t.pool, { concurrency: 1 });
    const b = startHeartbeat(t.pool, { concurrency: 2 });
    expect(a.id).not.toBe(b.id);
    await expect.poll(live).toBe(2);
    await a.stop();
    expect(await live()).toBe(1);
    await b.stop();
    expect(await live()).toBe(0);
  });

  test.each([
    { seenSecondsAgo: 0, isLive: true },
    { seenSecondsAgo: WORKER_LIVE_SECONDS - 1, isLive: true },
    { seenSecondsAgo: WORKER_LIVE_SECONDS + 1, isLive: false },
    { seenSecondsAgo: 3_600, isLive: false },
  ])("a worker last seen $seenSecondsAgo s ago counts as alive: $isLive", async ({ seenSecondsAgo, isLive }) => {
    // As the beats write it: the database's clock in UTC.
    await t.pool.query(
      `INSERT INTO "WorkerHeartbeat" (id, host, pid, concurrency, "startedAt", "lastSeenAt")
       VALUES ('elsewhere:1:abc', 'elsewhere', 1, 2, (now() AT TIME ZONE 'UTC') - interval '2 hours', (now() AT TIME ZONE 'UTC') - make_interval(secs => $1))`,
      [seenSecondsAgo],
    );
    expect(await live()).toBe(isLive ? 1 : 0);
  });

  test("a worker starting removes the rows of workers silent for over a day, and keeps those silent for less", async () => {
    await t.pool.query(
      `INSERT INTO "WorkerHeartbeat" (id, host, pid, concurrency, "lastSeenAt") VALUES
         ('gone:1:a', 'gone', 1, 2, (now() AT TIME ZONE 'UTC') - interval '25 hours'),
         ('quiet:2:b', 'quiet', 2, 2, (now() AT TIME ZONE 'UTC') - interval '23 hours')`,
    );
    const heartbeat = startHeartbeat(t.pool, { concurrency: 1 });
    await expect.poll(() => rowOf(heartbeat.id)).not.toBeNull();
    const { rows } = await t.pool.query<{ id: string }>(`SELECT id FROM "WorkerHeartbeat" ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual([heartbeat.id, "quiet:2:b"].sort());
    await heartbeat.stop();
  });

  test("with the database out of reach its beats fail quietly, and it still stops", async () => {
    const unreachable = new pg.Pool({ connectionString: "postgresql://nobody@127.0.0.1:1/none", connectionTimeoutMillis: 500 });
    try {
      const heartbeat = startHeartbeat(unreachable, { concurrency: 1, intervalMs: 50 });
      await sleep(300);
      await expect(heartbeat.stop()).resolves.toBeUndefined();
    } finally {
      await unreachable.end();
    }
  });
});
