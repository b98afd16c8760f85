// A run through the queue while its PostgreSQL stops and starts again: the test runs a server of
// its own, since stopping the shared test server would cut every other test file.
import { type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type LocalPostgres, ensureDatabaseExists, startLocalPostgres } from "../database/embedded";
import { applyMigrations } from "../database/migrate";
import { guardDatabaseClients, isConnectionError } from "../database/outage";
import { dataDir } from "../database/paths";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../llm/testing/fake-openai-server";
import { enqueueRun } from "../pipeline/launch";
import { insertCatalog, insertCustomers, insertPermissions } from "../pipeline/testing/fixtures";
import { spawnWorker } from "./spawn";

const CUSTOMERS = 120;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a run while its PostgreSQL stops and starts again", () => {
  const dir = path.join(dataDir, `test-pg-queue-outage-${process.pid}`);
  let server: LocalPostgres;
  let url: string;
  let pool: pg.Pool;
  let fake: FakeOpenAIServer;
  const workers: { child: ChildProcess; output: string[] }[] = [];

  /** A value read from the database, or null while it cannot be reached. */
  async function read<T>(sql: string, params: unknown[]): Promise<T | null> {
    try {
      return (await pool.query(sql, params)).rows[0] as T;
    } catch (err) {
      if (isConnectionError(err)) return null;
      throw err;
    }
  }
  async function until(what: string, check: () => Promise<boolean>, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}; the workers said:\n${workers.map((w) => w.output.join("")).join("\n")}`);
      await sleep(50);
    }
  }

  beforeAll(async () => {
    guardDatabaseClients(() => {});
    server = await startLocalPostgres({ dir });
    await ensureDatabaseExists(server.urlFor("postgres"), "cvm");
    url = server.urlFor("cvm");
    await applyMigrations(url);
    // The catalog before any worker, which would otherwise install the default one.
    await insertCatalog(url, { limits: { call_slots: 15, sms_quota: 40 } });
    fake = await startFakeOpenAIServer({ latencyMs: 40, isRecording: false });
    // Started before the seeding: a worker takes seconds to boot on a busy machine.
    const env = { OPENAI_API_KEY: "test", OPENAI_BASE_URL: fake.baseURL, RUN_JOB_EXPIRE_SECONDS: "10", DATABASE_RETRY_ATTEMPTS: "8", DATABASE_RETRY_FIRST_WAIT_MS: "200" };
    for (let n = 0; n < 2; n++) {
      const child = spawnWorker({ databaseUrl: url, concurrency: 2, maintenanceSeconds: 1, env, stdio: "pipe" });
      const output: string[] = [];
      child.stdout?.on("data", (b: Buffer) => output.push(b.toString()));
      child.stderr?.on("data", (b: Buffer) => output.push(b.toString()));
      workers.push({ child, output });
    }
    const ids = await insertCustomers(url, { count: CUSTOMERS, highValueEvery: 4 });
    await insertPermissions(url, ids);
    pool = new pg.Pool({ connectionString: url, max: 4 });
  }, 120_000);

  afterAll(async () => {
    for (const { child } of workers) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await fake?.close();
    await pool?.end();
    await server?.stop();
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  test("stopped for 4 s once some customers are decided: the run completes with one recommendation per customer, counters equal the live holds, and both workers live on", async () => {
    // Both workers up before the run: on a busy machine one may still be booting when the database
    // stops, and then it waits out the outage at start-up, not in the middle of work.
    await until("both workers work runs' jobs", async () => workers.every((w) => /Working runs' jobs/.test(w.output.join(""))), 90_000);
    const { runId } = await enqueueRun(pool, { scope: { limit: CUSTOMERS }, policy: "llm", options: { chunkSize: 10, concurrency: 2, batchSize: 40 }, expireInSeconds: 10 });
    await until("some customers are decided", async () => ((await read<{ decided: number }>(`SELECT decided FROM "Run" WHERE id = $1`, [runId]))?.decided ?? 0) > 0, 60_000);
    const atStop = await read<{ decided: number; status: string }>(`SELECT decided, status::text FROM "Run" WHERE id = $1`, [runId]);
    await server.stop();
    await sleep(4_000);
    server = await startLocalPostgres({ dir, port: server.port });

    await until("the run ends", async () => !["queued", "running", undefined].includes((await read<{ status: string }>(`SELECT status::text FROM "Run" WHERE id = $1`, [runId]))?.status), 40_000);
    const logs = workers.map((w) => w.output.join(""));
    expect(atStop).toMatchObject({ status: "running" });
    expect(atStop!.decided).toBeLessThan(CUSTOMERS);
    const run = await read<{ status: string; processed: number; error: string | null }>(`SELECT status::text, processed, error FROM "Run" WHERE id = $1`, [runId]);
    expect(run, logs.join("\n")).toEqual({ status: "completed", processed: CUSTOMERS, error: null });
    const recs = await read<{ n: number; customers: number }>(`SELECT count(*)::int AS n, count(DISTINCT "customerId")::int AS customers FROM "Recommendation" WHERE "runId" = $1`, [runId]);
    expect(recs).toEqual({ n: CUSTOMERS, customers: CUSTOMERS });
    const { rows } = await pool.query<{ key: string; limit: number; held: number; live: number }>(
      `SELECT c.key, c."limit", c.held, (SELECT count(*)::int FROM "Allocation" a WHERE a."resourceKey" = c.key AND a.outcome = 'held') AS live
         FROM "ResourceConstraint" c ORDER BY c.key`,
    );
    for (const r of rows) {
      expect(r.held, r.key).toBeLessThanOrEqual(r.limit);
      expect(r.held, r.key).toBe(r.live);
    }
    for (const [n, { child }] of workers.entries()) expect({ worker: n, exitCode: child.exitCode, signal: child.signalCode }, logs[n]).toEqual({ worker: n, exitCode: null, signal: null });
    // Each worker said when the database went and when it was back.
    for (const log of logs) expect(log).toMatch(/is unavailable \(.*\)\. Waiting for it, retrying with backoff\.[\s\S]*The database answers again\./);
    expect(logs.join("\n")).not.toMatch(/Unhandled|uncaught|node:internal/i);
  }, 180_000);

  /** Sends SIGTERM to worker `n` and waits for it to exit: its exit code, the seconds it took, and what it said after the signal. */
  async function terminate(n: number): Promise<{ code: number | null; seconds: number; said: string }> {
    const { child, output } = workers[n]!;
    const from = output.length;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const startedAt = Date.now();
    child.kill("SIGTERM");
    const code = await exited;
    return { code, seconds: (Date.now() - startedAt) / 1000, said: output.slice(from).join("") };
  }

  test("SIGTERM stops a worker: at once with the database up; with it down, within the stop limit, saying why and with no unhandled error", async () => {
    await until("both workers work runs' jobs", async () => workers.every((w) => /Working runs' jobs/.test(w.output.join(""))), 90_000);
    // Each says it is alive (lib/jobs/heartbeat.ts); one stopped on purpose takes its row with it.
    const heartbeats = async (pid: number) => (await read<{ n: number }>(`SELECT count(*)::int AS n FROM "WorkerHeartbeat" WHERE pid = $1`, [pid]))?.n;
    for (const { child } of workers) expect(await heartbeats(child.pid!)).toBe(1);
    const up = await terminate(1);
    expect(await heartbeats(workers[1]!.child.pid!)).toBe(0);
    // 128 + 15: the code of a process ended by SIGTERM, as a shell or process manager expects it.
    expect(up.code, up.said).toBe(143);
    expect(up.said).toMatch(/Stopping after the current jobs\.\.\.[\s\S]*Stopped\./);
    expect(up.seconds).toBeLessThan(8);

    const before = workers[0]!.output.length;
    await server.stop();
    try {
      // Let its poll meet the outage first, so a statement waits for the database as the stop comes.
      await until("the worker notices the outage", async () => /Waiting for it, retrying with backoff\./.test(workers[0]!.output.slice(before).join("")), 20_000);
      const down = await terminate(0);
      // The queue gives its last statements 10 s (QUEUE_STOP_TIMEOUT_MS); the command gives up 2 s after.
      expect(down.seconds, down.said).toBeLessThan(16);
      expect(down.said).toMatch(/Stopping after the current jobs\.\.\./);
      expect(down.said).toMatch(/Stopped with \d+ statement\(s\) still waiting for the database; a job they would have completed or failed expires and is retried\.[\s\S]*Stopped\./);
      expect(down.said).not.toMatch(/Unhandled|uncaught|node:internal/i);
    } finally {
      server = await startLocalPostgres({ dir, port: server.port });
    }
  }, 120_000);
});
