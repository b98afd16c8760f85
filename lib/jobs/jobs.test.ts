import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { createOpenAIChatModel } from "../llm/openai-model";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../llm/testing/fake-openai-server";
import { enqueueRun, waitForRun } from "../pipeline/launch";
import { createExperiment } from "../pipeline/experiments";
import { createRun, executeRun, requestCancel } from "../pipeline/runs";
import { insertCatalog, insertCustomers, insertPermissions } from "../pipeline/testing/fixtures";
import { QUEUES } from "./queue";
import { spawnWorker } from "./spawn";
import { allocateRunStep, decideRunChunk } from "./steps";
import { type Worker, startWorker } from "./worker";

const children: ChildProcess[] = [];
const workers: Worker[] = [];
const fakes: FakeOpenAIServer[] = [];
/** Registered after the test database's own hooks, so it runs first: workers stop before their pool ends. */
function stopWorkersAfterEach() {
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    for (const worker of workers.splice(0)) await worker.stop();
    for (const fake of fakes.splice(0)) await fake.close();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(50);
  }
}

describe("runs through the job queue", () => {
  const t = usePoolPerTest({ max: 12 });
  stopWorkersAfterEach();
  const one = async <T>(sql: string, params: unknown[] = []) => (await t.pool.query(sql, params)).rows[0] as T;
  /** Customers with every consent, and a model server answering each call after `latencyMs`. */
  async function seed(count: number, latencyMs: number) {
    await insertCatalog(t.db.url, { limits: { call_slots: 15, sms_quota: 40 } });
    const ids = await insertCustomers(t.db.url, { count, highValueEvery: 4 });
    await insertPermissions(t.db.url, ids);
    const fake = await startFakeOpenAIServer({ latencyMs, isRecording: false });
    fakes.push(fake);
    return { ids, fake, model: createOpenAIChatModel({ apiKey: "test", model: "test-model", baseURL: fake.baseURL, maxRetries: 0 }) };
  }

  test("a worker process killed with SIGKILL mid-run: another worker completes it, one recommendation per customer, counters equal the live holds", async () => {
    const { fake } = await seed(120, 40);
    const { runId } = await enqueueRun(t.pool, { scope: { limit: 120 }, policy: "llm", options: { chunkSize: 20, concurrency: 2, batchSize: 20 }, expireInSeconds: 2 });
    const workerEnv = { OPENAI_API_KEY: "test", OPENAI_BASE_URL: fake.baseURL, RUN_JOB_EXPIRE_SECONDS: "2" };
    const doomed = spawnWorker({ databaseUrl: t.db.url, concurrency: 1, maintenanceSeconds: 1, env: workerEnv, stdio: "ignore" });
    children.push(doomed);
    await until("the first chunk is staged", async () => (await one<{ decided: number }>(`SELECT decided FROM "Run" WHERE id = $1`, [runId])).decided > 0, 60_000);
    doomed.kill("SIGKILL");
    const survivor = spawnWorker({ databaseUrl: t.db.url, concurrency: 2, maintenanceSeconds: 1, env: workerEnv, stdio: "ignore" });
    children.push(survivor);

    expect(await waitForRun(t.pool, runId, { timeoutMs: 60_000 })).toBe("completed");
    const run = await one<{ processed: number; total: number; summary: { processed: number } }>(`SELECT processed, total, summary FROM "Run" WHERE id = $1`, [runId]);
    expect(run).toMatchObject({ processed: 120, total: 120, summary: { processed: 120 } });
    const recs = await one<{ n: number; customers: number }>(`SELECT count(*)::int AS n, count(DISTINCT "customerId")::int AS customers FROM "Recommendation" WHERE "runId" = $1`, [runId]);
    expect(recs).toEqual({ n: 120, customers: 120 });
    const { rows } = await t.pool.query<{ key: string; limit: number; held: number; live: number }>(
      `SELECT c.key, c."limit", c.held,
              (SELECT count(*)::int FROM "Allocation" a WHERE a."resourceKey" = c.key AND a.outcome = 'held') AS live
         FROM "ResourceConstraint" c ORDER BY c.key`,
    );
    for (const r of rows) {
      expect(r.held, r.key).toBeLessThanOrEqual(r.limit);
      expect(r.held, r.key).toBe(r.live);
    }
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM "RunDecision" WHERE "runId" = $1`, [runId])).n).toBe(0);
    // Each customer's decision steps are kept once, beside its recommendation.
    const kept = await one<{ n: number; matched: number }>(
      `SELECT count(*)::int AS n, count(r.id)::int AS matched FROM "DecisionTrace" t
         LEFT JOIN "Recommendation" r ON r."runId" = t."runId" AND r."customerId" = t."customerId" WHERE t."runId" = $1`,
      [runId],
    );
    expect(kept).toEqual({ n: 120, matched: 120 });
  }, 120_000);

  test("a worker without the language model leaves a model run's chunks to one that has it, and still takes deterministic runs", { timeout: 180_000 }, async () => {
    const { model, fake } = await seed(40, 0);
    workers.push(await startWorker({ pool: t.pool, model: null, concurrency: 2, expireInSeconds: 30, log: () => {} }));
    const { runId } = await enqueueRun(t.pool, { scope: { limit: 40 }, policy: "llm", options: { chunkSize: 10, concurrency: 2 } });
    const { runId: rulesRunId } = await enqueueRun(t.pool, { scope: { limit: 40 }, policy: "rules", options: { chunkSize: 10 } });
    expect(await waitForRun(t.pool, rulesRunId, { timeoutMs: 60_000 })).toBe("completed");
    // The model run's chunks wait in their own queue, untouched.
    const waiting = await one<{ status: string; decided: number; created: number }>(
      `SELECT status::text, decided, (SELECT count(*)::int FROM pgboss.job WHERE name = $2 AND state = 'created' AND data->>'runId' = $3) AS created FROM "Run" WHERE id = $1`,
      [runId, QUEUES.decideModel, runId],
    );
    expect(waiting).toEqual({ status: "queued", decided: 0, created: 4 });
    workers.push(await startWorker({ pool: t.pool, model, concurrency: 2, expireInSeconds: 30, log: () => {} }));
    expect(await waitForRun(t.pool, runId, { timeoutMs: 60_000 })).toBe("completed");
    // Every customer asked the model, none decided by the rules for want of it.
    expect(fake.requestCount).toBeGreaterThan(0);
    const summary = await one<{ modelCalls: number; recs: number }>(
      `SELECT (summary->>'modelCalls')::int AS "modelCalls", (SELECT count(*)::int FROM "Recommendation" WHERE "runId" = $1) AS recs FROM "Run" WHERE id = $1`,
      [runId],
    );
    expect(summary.recs).toBe(40);
    expect(summary.modelCalls).toBeGreaterThan(0);
  });

  test("a deterministic run under an experiment whose arm asks the model goes to workers with the model too", { timeout: 120_000 }, async () => {
    const { model, fake } = await seed(40, 0);
    const created = await createExperiment(t.pool, {
      input: { key: "model-arm", name: "The model for a fifth", arms: [{ key: "champion", share: 0.8 }, { key: "challenger", share: 0.2, policy: "llm" }], startsAt: "2026-01-01T00:00:00Z", endsAt: null, stoppedAt: null },
      actor: { id: null, label: "test" },
    });
    expect(created.ok).toBe(true);
    workers.push(await startWorker({ pool: t.pool, model: null, concurrency: 2, expireInSeconds: 30, log: () => {} }));
    const { runId } = await enqueueRun(t.pool, { scope: { limit: 40 }, policy: "rules", options: { chunkSize: 10 } });
    const run = await one<{ isModelNeeded: boolean; jobs: number }>(
      `SELECT (options->>'isModelNeeded')::boolean AS "isModelNeeded", (SELECT count(*)::int FROM pgboss.job WHERE name = $2 AND data->>'runId' = $3) AS jobs FROM "Run" WHERE id = $1`,
      [runId, QUEUES.decideModel, runId],
    );
    expect(run).toEqual({ isModelNeeded: true, jobs: 4 });
    workers.push(await startWorker({ pool: t.pool, model, concurrency: 2, expireInSeconds: 30, log: () => {} }));
    expect(await waitForRun(t.pool, runId, { timeoutMs: 60_000 })).toBe("completed");
    // The challenger's customers asked the model.
    expect(fake.requestCount).toBeGreaterThan(0);
  });

  test("a model run waiting for a worker with the model ends cancelled at its deadline, said by a worker without it; its chunks then change nothing", { timeout: 120_000 }, async () => {
    const { model } = await seed(20, 0);
    const log: string[] = [];
    workers.push(await startWorker({ pool: t.pool, model: null, concurrency: 1, expireInSeconds: 30, deadlineSweepMs: 200, log: (m) => log.push(m) }));
    const { runId } = await enqueueRun(t.pool, { scope: { limit: 20 }, policy: "llm", options: { chunkSize: 10 } });
    // Three sweeps leave a run before its deadline alone.
    await sleep(600);
    expect((await one<{ status: string }>(`SELECT status::text FROM "Run" WHERE id = $1`, [runId])).status).toBe("queued");
    await t.pool.query(`UPDATE "Run" SET "deadlineAt" = now() - interval '1 second' WHERE id = $1`, [runId]);
    expect(await waitForRun(t.pool, runId, { timeoutMs: 10_000 })).toBe("cancelled");
    expect(await one<{ error: string; decided: number }>(`SELECT error, decided FROM "Run" WHERE id = $1`, [runId])).toEqual({
      error: "The run passed its deadline (RUN_DEADLINE_SECONDS) and stopped like a cancel.",
      decided: 0,
    });
    expect(log).toContain(`[worker] run ${runId}: passed its deadline (RUN_DEADLINE_SECONDS) before its customers were decided; ended cancelled.`);
    // A worker with the model takes the chunks left in the queue: they find the run ended.
    workers.push(await startWorker({ pool: t.pool, model, concurrency: 2, expireInSeconds: 30, log: () => {} }));
    await until("its chunks are done", async () => (await one<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'runId' = $2 AND state <> 'completed'`, [QUEUES.decideModel, runId])).n === 0, 30_000);
    expect(await one<{ status: string; decided: number; recs: number; staged: number }>(
      `SELECT status::text, decided, (SELECT count(*)::int FROM "Recommendation" WHERE "runId" = $1) AS recs, (SELECT count(*)::int FROM "RunDecision" WHERE "runId" = $1) AS staged FROM "Run" WHERE id = $1`,
      [runId],
    )).toEqual({ status: "cancelled", decided: 0, recs: 0, staged: 0 });
  });

  test("cancelled one second after start: no chunk is staged after the cancel, and nothing is allocated", async () => {
    const { model } = await seed(200, 40);
    workers.push(await startWorker({ pool: t.pool, model, concurrency: 2, expireInSeconds: 30, log: () => {} }));
    const enqueuedAt = Date.now();
    const { runId } = await enqueueRun(t.pool, { scope: { limit: 200 }, policy: "llm", options: { chunkSize: 20, concurrency: 2 } });
    await sleep(1_000);
    await requestCancel(t.pool, { runId, actor: { id: null, label: "test" } });
    const atCancel = await one<{ status: string; decided: number; durationMs: number }>(`SELECT status::text, decided, (summary->>'durationMs')::int AS "durationMs" FROM "Run" WHERE id = $1`, [runId]);
    expect(atCancel.status).toBe("cancelled");
    // The summary says how long it decided for: from its first chunk to the cancel.
    expect(atCancel.durationMs).toBeGreaterThan(0);
    expect(atCancel.durationMs).toBeLessThanOrEqual(Date.now() - enqueuedAt);
    // Long enough for the chunks in hand when the cancel came to reach their transaction.
    await sleep(1_500);
    const after = await one<{ decided: number; staged: number; recs: number; holds: number }>(
      `SELECT decided,
              (SELECT count(*)::int FROM "RunDecision" WHERE "runId" = $1) + (SELECT count(*)::int FROM "DecisionTrace" WHERE "runId" = $1) AS staged,
              (SELECT count(*)::int FROM "Recommendation" WHERE "runId" = $1) AS recs,
              (SELECT count(*)::int FROM "Allocation" WHERE "runId" = $1) AS holds
         FROM "Run" WHERE id = $1`,
      [runId],
    );
    expect(atCancel.decided).toBeLessThan(200);
    expect(after).toEqual({ decided: atCancel.decided, staged: 0, recs: 0, holds: 0 });
  });

  test("a run of several allocation steps is allocated by one job while they fit well inside its expiry: every customer written once", async () => {
    await insertCatalog(t.db.url, { limits: { call_slots: 15, sms_quota: 40 } });
    const ids = await insertCustomers(t.db.url, { count: 300, highValueEvery: 4 });
    await insertPermissions(t.db.url, ids);
    workers.push(await startWorker({ pool: t.pool, model: null, concurrency: 2, expireInSeconds: 60, allocationStep: 100, log: () => {} }));
    const { runId } = await enqueueRun(t.pool, { scope: { limit: 300 }, policy: "rules", options: { chunkSize: 100, batchSize: 50 } });
    expect(await waitForRun(t.pool, runId, { timeoutMs: 60_000 })).toBe("completed");
    const run = await one<{ processed: number; recs: number; customers: number; jobs: number; plan: unknown }>(
      `SELECT processed, "allocationPlan" AS plan,
              (SELECT count(*)::int FROM "Recommendation" WHERE "runId" = $1) AS recs,
              (SELECT count(DISTINCT "customerId")::int FROM "Recommendation" WHERE "runId" = $1) AS customers,
              (SELECT count(*)::int FROM pgboss.job WHERE name = $2 AND data->>'runId' = $1::text) AS jobs
         FROM "Run" WHERE id = $1`,
      [runId, QUEUES.allocate],
    );
    expect(run).toEqual({ processed: 300, recs: 300, customers: 300, jobs: 1, plan: null });
  });

  test.each([
    { name: "the same chunk decided twice stages each customer once", chunks: [[0, 10], [0, 10], [10, 20]], decided: 20 },
    { name: "overlapping chunks stage each customer once", chunks: [[0, 12], [8, 20]], decided: 20 },
  ])("$name, and the run moves to allocating exactly once", async ({ chunks, decided }) => {
    await insertCatalog(t.db.url);
    await insertCustomers(t.db.url, { count: 20 });
    const run = await createRun(t.pool, { scope: { limit: 20 }, policy: "rules" });
    let lasts = 0;
    for (const [from, to] of chunks) {
      await decideRunChunk(t.pool, { runId: run.runId, customerIds: run.customerIds.slice(from, to), model: null, onLast: async () => void lasts++ });
    }
    const row = await one<{ decided: number; phase: string; staged: number; steps: number }>(
      `SELECT decided, phase::text, (SELECT count(*)::int FROM "RunDecision" WHERE "runId" = $1) AS staged,
              (SELECT count(*)::int FROM "DecisionTrace" WHERE "runId" = $1) AS steps FROM "Run" WHERE id = $1`,
      [run.runId],
    );
    expect(row).toEqual({ decided, phase: "allocating", staged: decided, steps: decided });
    expect(lasts).toBe(1);
  });

  test("cancelled between allocation steps: the decision steps of customers written stay with them, the others' go with the staging", async () => {
    await insertCatalog(t.db.url);
    const ids = await insertCustomers(t.db.url, { count: 30 });
    await insertPermissions(t.db.url, ids);
    const run = await createRun(t.pool, { scope: { limit: 30 }, policy: "rules" });
    await t.pool.query(`UPDATE "Run" SET options = '{"batchSize": 5, "chunkSize": 30, "concurrency": 2}' WHERE id = $1`, [run.runId]);
    expect(await decideRunChunk(t.pool, { runId: run.runId, customerIds: run.customerIds, model: null })).toBe("last");
    expect(await allocateRunStep(t.pool, { runId: run.runId, maxCustomers: 10 })).toEqual({ isMore: true });
    await requestCancel(t.pool, { runId: run.runId, actor: { id: null, label: "test" } });
    const ended = await allocateRunStep(t.pool, { runId: run.runId, maxCustomers: 10 });
    expect(ended.isMore).toBe(false);
    const row = await one<{ status: string; recs: number; kept: number; keptWritten: number; staged: number }>(
      `SELECT status::text,
              (SELECT count(*)::int FROM "Recommendation" WHERE "runId" = $1) AS recs,
              (SELECT count(*)::int FROM "DecisionTrace" WHERE "runId" = $1) AS kept,
              (SELECT count(*)::int FROM "DecisionTrace" d JOIN "Recommendation" r ON r."runId" = d."runId" AND r."customerId" = d."customerId" WHERE d."runId" = $1) AS "keptWritten",
              (SELECT count(*)::int FROM "RunDecision" WHERE "runId" = $1) AS staged
         FROM "Run" WHERE id = $1`,
      [run.runId],
    );
    expect(row.status).toBe("cancelled");
    expect(row.recs).toBeGreaterThan(0);
    expect(row.recs).toBeLessThan(30);
    expect(row).toMatchObject({ kept: row.recs, keptWritten: row.recs, staged: 0 });
  });

  test("a customer deleted while their chunk is staged: the chunk stages, without steps to keep for them", async () => {
    await insertCatalog(t.db.url);
    await insertCustomers(t.db.url, { count: 6 });
    const run = await createRun(t.pool, { scope: { limit: 6 }, policy: "rules" });
    const gone = run.customerIds[2]!;
    // Inside the staging transaction, after the customers were decided and before their steps are written.
    await t.pool.query(`CREATE FUNCTION vanish() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM "Customer" WHERE id = '${gone}'; RETURN NULL; END $$`);
    await t.pool.query(`CREATE TRIGGER vanish AFTER INSERT ON "RunDecision" FOR EACH STATEMENT EXECUTE FUNCTION vanish()`);
    expect(await decideRunChunk(t.pool, { runId: run.runId, customerIds: run.customerIds, model: null })).toBe("last");
    const row = await one<{ decided: number; staged: number; kept: string[] }>(
      `SELECT decided, (SELECT count(*)::int FROM "RunDecision" WHERE "runId" = $1) AS staged,
              (SELECT array_agg("customerId" ORDER BY "customerId") FROM "DecisionTrace" WHERE "runId" = $1) AS kept FROM "Run" WHERE id = $1`,
      [run.runId],
    );
    expect(row).toEqual({ decided: 6, staged: 6, kept: run.customerIds.filter((id) => id !== gone).sort() });
  });

  test("a run past its deadline stops like a cancel, holds nothing and says why", async () => {
    await insertCatalog(t.db.url);
    await insertCustomers(t.db.url, { count: 10 });
    const run = await createRun(t.pool, { scope: { limit: 10 }, policy: "rules", deadlineSeconds: 0 });
    const summary = await executeRun(t.pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null });
    expect(summary?.isCancelled).toBe(true);
    const row = await one<{ status: string; error: string; recs: number }>(
      `SELECT status::text, error, (SELECT count(*)::int FROM "Recommendation" WHERE "runId" = $1) AS recs FROM "Run" WHERE id = $1`,
      [run.runId],
    );
    expect(row).toMatchObject({ status: "cancelled", recs: 0 });
    expect(row.error).toMatch(/deadline \(RUN_DEADLINE_SECONDS\)/);
  });

  /** `npm run pipeline` over `args`, to its exit, with what it printed. */
  async function pipelineCommand(args: string[], env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "../cli/pipeline.ts"), ...args], { env: { ...process.env, DATABASE_URL: t.db.url, ...env } });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    return { code, stdout, stderr };
  }

  test.each([
    { case: "no worker is alive", policy: "rules", isWorkerRunning: false, said: "[pipeline] No worker is taking jobs: this command works the run itself." },
    { case: "a worker is alive", policy: "rules", isWorkerRunning: true, said: "[pipeline] 1 worker is taking jobs: the run goes to it, and this command works it itself only if none is left." },
    { case: "a worker is alive, for a model run", policy: "llm", isWorkerRunning: true, said: "[pipeline] This command works the language-model run itself, beside any worker alive." },
  ])("npm run pipeline waits for its run and prints the summary when $case", { timeout: 120_000 }, async ({ policy, isWorkerRunning, said }) => {
    await insertCatalog(t.db.url);
    const ids = await insertCustomers(t.db.url, { count: 6 });
    await insertPermissions(t.db.url, ids);
    const fake = await startFakeOpenAIServer({ latencyMs: 0, isRecording: false });
    fakes.push(fake);
    if (isWorkerRunning) {
      const worker = spawnWorker({ databaseUrl: t.db.url, concurrency: 1, maintenanceSeconds: 1, stdio: "ignore" });
      children.push(worker);
      await until("the worker beats", async () => (await one<{ n: number }>(`SELECT count(*)::int AS n FROM "WorkerHeartbeat" WHERE pid = $1`, [worker.pid])).n === 1, 60_000);
    }
    const { code, stdout, stderr } = await pipelineCommand(["--limit", "6", "--policy", policy], { OPENAI_API_KEY: "test", OPENAI_BASE_URL: fake.baseURL, OPENAI_MODEL: "test-model" });
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(said);
    const runId = /^Run ([0-9a-f-]{36}): 6 customers, /m.exec(stdout)?.[1];
    expect(runId, stdout).toBeDefined();
    expect(stdout).toMatch(/processed\s*│\s*6\b/);
    expect(await one<{ status: string; policy: string; recs: number }>(`SELECT status::text, policy::text, (SELECT count(*)::int FROM "Recommendation" WHERE "runId" = $1) AS recs FROM "Run" WHERE id = $1`, [runId])).toEqual({ status: "completed", policy, recs: 6 });
    // Its own worker, when it started one, stopped with it.
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM "WorkerHeartbeat"`)).n).toBe(isWorkerRunning ? 1 : 0);
  });

  test("npm run pipeline -- --detach prints one JSON line with the run id and leaves the run queued for the workers", async () => {
    await insertCatalog(t.db.url);
    await insertCustomers(t.db.url, { count: 5 });
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "../cli/pipeline.ts"), "--limit", "5", "--policy", "rules", "--detach"], {
      env: { ...process.env, DATABASE_URL: t.db.url },
    });
    children.push(child);
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    const lines = stdout.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(1);
    const { runId } = JSON.parse(lines[0]!) as { runId: string };
    expect(await one<{ status: string; total: number }>(`SELECT status::text, total FROM "Run" WHERE id = $1`, [runId])).toEqual({ status: "queued", total: 5 });
    const jobs = await one<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'run-decide' AND data->>'runId' = $1`, [runId]);
    expect(jobs.n).toBe(1);
  });
});
