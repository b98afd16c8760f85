import pg from "pg";
import { afterAll, afterEach, describe, expect, test } from "vitest";
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

const unreachable = new pg.Pool({ connectionString: "postgresql://nobody@127.0.0.1:1/none", connectionTimeoutMillis: 300 });
unreachable.on("error", () => {});
afterAll(() => unreachable.end());

describe("a waiting command stands by to work its run", () => {
  const t = usePoolPerTest();
  const standbys: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const s of standbys.splice(0)) await s.stop();
  });
  /** A worker elsewhere whose last beat was `secondsAgo` s ago, as the beats write it (UTC). */
  const workerSeen = (id: string, secondsAgo: number) =>
    t.pool.query(
      `INSERT INTO "WorkerHeartbeat" (id, host, pid, concurrency, "lastSeenAt") VALUES ($1, 'elsewhere', 1, 2, (now() AT TIME ZONE 'UTC') - make_interval(secs => $2))
       ON CONFLICT (id) DO UPDATE SET "lastSeenAt" = EXCLUDED."lastSeenAt"`,
      [id, secondsAgo],
    );
  /**
   * The test's pool, with the worker elsewhere made alive or silent (by its row) just before each
   * look after the first, as `script` says; "gone" answers that look as an unreachable database would.
   */
  function scripted(script: ("live" | "silent" | "gone")[]) {
    let looks = 0;
    const query = async (text: string, values?: unknown[]) => {
      const state = looks++ === 0 ? "live" : (script.shift() ?? "live");
      if (state === "gone") return unreachable.query(text, values);
      await workerSeen("elsewhere:1", state === "live" ? 0 : WORKER_LIVE_SECONDS + 5);
      return t.pool.query(text, values);
    };
    return { query, looks: () => looks } as unknown as Pick<pg.Pool, "query"> & { looks(): number };
  }

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

  test.each([
    { case: "two silent looks in a row", script: ["silent", "silent"] as const, isWorking: true },
    { case: "silent, then alive again (its beats after an outage), then silent", script: ["silent", "live", "silent", "live", "live"] as const, isWorking: false },
    { case: "looks the database refused between two silent ones", script: ["silent", "gone", "silent", "live", "live"] as const, isWorking: false },
  ])("a worker elsewhere $case: starts its own = $isWorking", async ({ script, isWorking }) => {
    const pool = scripted([...script]);
    const { events, start } = fakeStarts();
    const log: string[] = [];
    const standby = await standByToWork(pool, { start, log: (m) => log.push(m), intervalMs: 50 });
    standbys.push(standby);
    // Looks follow one another: once the first after the scripted ones has begun, those have ended.
    if (isWorking) await expect.poll(() => standby.isWorking, { timeout: 10_000 }).toBe(true);
    else await expect.poll(() => pool.looks() >= script.length + 2, { timeout: 10_000 }).toBe(true);
    expect(standby.isWorking).toBe(isWorking);
    // Its own worker starts once, and the looks stop.
    const looks = pool.looks();
    await sleep(300);
    expect(events).toEqual(isWorking ? ["started"] : []);
    if (isWorking) {
      expect(pool.looks()).toBe(looks);
      expect(log.at(-1)).toBe("No worker is taking jobs any more: this command works the run itself from here.");
    } else expect(log).toHaveLength(1);
  });

  test("a worker that fails to start at a later look is said and tried again at the next", async () => {
    const pool = scripted(["silent", "silent", "silent", "silent"]);
    const { events, start } = fakeStarts({ failures: 1 });
    const log: string[] = [];
    const standby = await standByToWork(pool, { start, log: (m) => log.push(m), intervalMs: 50 });
    standbys.push(standby);
    await expect.poll(() => standby.isWorking, { timeout: 10_000 }).toBe(true);
    expect(log).toContain("Could not start this command's worker: the database is starting up. Trying again shortly.");
    await standby.stop();
    expect(events).toEqual(["started", "stopped"]);
  });

  test("with the database out of reach at the first look it refuses, starting nothing", async () => {
    const { events, start } = fakeStarts();
    await expect(standByToWork(unreachable, { start, log: () => {}, intervalMs: 50 })).rejects.toThrow();
    expect(events).toEqual([]);
  });
});
