import pg from "pg";
import { describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { WORKER_LIVE_SECONDS } from "./heartbeat";
import { standByToWork } from "./standby";
import type { Worker } from "./worker";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stand-in for a started worker that records its start and stop. */
function fakeStarts(opts: { failures?: number } = {}) {
  const events: string[] = [];
  let failures = opts.failures ?? 0;
  const start = async (): Promise<Worker> => {
    if (failures-- > 0) throw new Error("the database is starting up");
    events.push("started");
    return { queue: null as unknown as Worker["queue"], stop: async () => void events.push("stopped") };
  };
  return { events, start };
}

describe("a waiting command stands by to work its run", () => {
  const t = usePoolPerTest();
  /** A worker elsewhere whose last beat was `secondsAgo` s ago, as the beats write it (UTC). */
  const workerSeen = (id: string, secondsAgo: number) =>
    t.pool.query(
      `INSERT INTO "WorkerHeartbeat" (id, host, pid, concurrency, "lastSeenAt") VALUES ($1, 'elsewhere', 1, 2, (now() AT TIME ZONE 'UTC') - make_interval(secs => $2))`,
      [id, secondsAgo],
    );

  test.each([
    { case: "no worker ever", rows: [] as number[], isWorking: true, said: /^No worker is taking jobs: this command works the run itself\.$/ },
    { case: "only a worker silent too long", rows: [WORKER_LIVE_SECONDS + 5], isWorking: true, said: /^No worker is taking jobs/ },
    { case: "one live worker", rows: [0], isWorking: false, said: /^1 worker is taking jobs: the run goes to it,/ },
    { case: "two live workers", rows: [0, 3], isWorking: false, said: /^2 workers are taking jobs: the run goes to them,/ },
  ])("$case: works the run itself = $isWorking, and says so", async ({ rows, isWorking, said }) => {
    for (const [i, secondsAgo] of rows.entries()) await workerSeen(`elsewhere:${i}`, secondsAgo);
    const { events, start } = fakeStarts();
    const log: string[] = [];
    const standby = await standByToWork(t.pool, { start, log: (m) => log.push(m), intervalMs: 60_000 });
    expect(standby.isWorking).toBe(isWorking);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(said);
    await standby.stop();
    expect(events).toEqual(isWorking ? ["started", "stopped"] : []);
  });

  test("starts its own worker once the last live worker goes quiet, and only once", async () => {
    // Seen a second before it stops counting: it lapses while the command waits.
    await workerSeen("elsewhere:dying", WORKER_LIVE_SECONDS - 1);
    const { events, start } = fakeStarts();
    const log: string[] = [];
    const standby = await standByToWork(t.pool, { start, log: (m) => log.push(m), intervalMs: 100 });
    expect(standby.isWorking).toBe(false);
    await expect.poll(() => standby.isWorking, { timeout: 5_000 }).toBe(true);
    await sleep(300);
    expect(events).toEqual(["started"]);
    expect(log[1]).toBe("No worker is taking jobs any more: this command works the run itself from here.");
    await standby.stop();
    expect(events).toEqual(["started", "stopped"]);
  });

  test("a worker that fails to start later is said and tried again at the next look", async () => {
    await workerSeen("elsewhere:dying", WORKER_LIVE_SECONDS - 0.5);
    const { events, start } = fakeStarts({ failures: 1 });
    const log: string[] = [];
    const standby = await standByToWork(t.pool, { start, log: (m) => log.push(m), intervalMs: 100 });
    await expect.poll(() => standby.isWorking, { timeout: 5_000 }).toBe(true);
    expect(log).toContain("Could not start this command's worker: the database is starting up. Trying again shortly.");
    await standby.stop();
    expect(events).toEqual(["started", "stopped"]);
  });

  test("with the database out of reach it starts nothing, and still stops", async () => {
    const unreachable = new pg.Pool({ connectionString: "postgresql://nobody@127.0.0.1:1/none", connectionTimeoutMillis: 300 });
    try {
      const { events, start } = fakeStarts();
      const standby = await standByToWork(unreachable, { start, log: () => {}, intervalMs: 50 });
      await sleep(400);
      expect(standby.isWorking).toBe(false);
      await standby.stop();
      expect(events).toEqual([]);
    } finally {
      await unreachable.end();
    }
  });
});
