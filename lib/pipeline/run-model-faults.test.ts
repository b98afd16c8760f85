import { afterEach, describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { withCircuitBreaker } from "../llm/circuit-breaker";
import { createOpenAIChatModel } from "../llm/openai-model";
import { decideRunChunk } from "../jobs/steps";
import { type Worker, startWorker } from "../jobs/worker";
import { type FakeOpenAIServer, errorReply, rawReply, startFakeOpenAIServer } from "../llm/testing/fake-openai-server";
import { enqueueRun, waitForRun } from "./launch";
import { createRun, executeRun } from "./runs";
import { insertCatalog, insertCustomers, insertPermissions } from "./testing/fixtures";

const fakes: FakeOpenAIServer[] = [];
const workers: Worker[] = [];
afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.stop();
  for (const fake of fakes.splice(0)) await fake.close();
});

describe("a run whose model answers with something that is not a completion", () => {
  const t = usePoolPerTest({ max: 10 });

  test.each([
    { title: "an HTML page with status 200", reply: () => rawReply("<html><body>Gateway</body></html>", { contentType: "text/html" }) },
    { title: "an empty body with status 200", reply: () => rawReply("") },
  ])("completes on the rules when the model answers $title, the summary counting every fallback and the breaker's pause", async ({ reply }) => {
    await insertCatalog(t.db.url);
    const ids = await insertCustomers(t.db.url, { count: 6 });
    await insertPermissions(t.db.url, ids);
    const fake = await startFakeOpenAIServer({ handler: reply, isRecording: false });
    fakes.push(fake);
    const model = withCircuitBreaker(createOpenAIChatModel({ apiKey: "test", model: "test-model", baseURL: fake.baseURL, maxRetries: 0 }), { faultLimit: 2, coolDownMs: 60_000 });
    const run = await createRun(t.pool, { scope: { customerIds: ids }, policy: "llm" });
    const summary = await executeRun(t.pool, { runId: run.runId, customerIds: run.customerIds, policy: "llm", model, concurrency: 1 });

    expect(summary).not.toBeNull();
    expect(summary!.byStatus.failed).toBe(0);
    expect(summary!.processed).toBe(6);
    // Two faults open the breaker; every later customer is decided by the rules without a call, and still counted.
    expect(summary!.modelFallbacks).toBe(6);
    expect(summary!.modelPaused).toBeGreaterThanOrEqual(4);
    expect(summary!.modelBreaker).toMatchObject({ faults: 2, pauses: 1 });
    expect(summary!.modelBreaker!.skippedCalls).toBeGreaterThanOrEqual(summary!.modelPaused!);
    const { rows } = await t.pool.query<{ status: string; summary: { modelBreaker?: unknown } }>(`SELECT status::text, summary FROM "Run" WHERE id = $1`, [run.runId]);
    expect(rows[0]).toMatchObject({ status: "completed", summary: { modelBreaker: summary!.modelBreaker } });
  });
});

describe("the circuit breaker's counters of a run through the queue", () => {
  const t = usePoolPerTest({ max: 10 });
  // After the test database's own hooks, so it runs first: the worker stops before its pool ends.
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop();
  });

  async function modelAnswering500(customers: number) {
    await insertCatalog(t.db.url);
    const ids = await insertCustomers(t.db.url, { count: customers });
    await insertPermissions(t.db.url, ids);
    const fake = await startFakeOpenAIServer({ handler: () => errorReply(500, "upstream failed"), isRecording: false });
    fakes.push(fake);
    const model = withCircuitBreaker(createOpenAIChatModel({ apiKey: "test", model: "test-model", baseURL: fake.baseURL, maxRetries: 0 }), { faultLimit: 3, coolDownMs: 60_000 });
    return { ids, fake, model };
  }
  const storedCounters = async (runId: string) =>
    (await t.pool.query<{ faults: number; pauses: number; skippedCalls: number }>(`SELECT "modelFaults" AS faults, "modelPauses" AS pauses, "modelSkippedCalls" AS "skippedCalls" FROM "Run" WHERE id = $1`, [runId])).rows[0];

  test("a model answering 500 to a run of 3 chunks decided 2 at a time: the summary counts every fault the model answered, one pause, and the calls skipped while paused", async () => {
    const { fake, model } = await modelAnswering500(30);
    workers.push(await startWorker({ pool: t.pool, model, concurrency: 2, expireInSeconds: 30, log: () => {} }));
    const { runId } = await enqueueRun(t.pool, { scope: { limit: 30 }, policy: "llm", options: { chunkSize: 10, concurrency: 2 } });
    expect(await waitForRun(t.pool, runId, { timeoutMs: 30_000, pollMs: 50 })).toBe("completed");

    const { rows } = await t.pool.query<{ summary: { processed: number; modelFallbacks: number; modelPaused: number; modelBreaker?: { faults: number; pauses: number; skippedCalls: number } } }>(`SELECT summary FROM "Run" WHERE id = $1`, [runId]);
    const summary = rows[0]!.summary;
    expect(summary).toMatchObject({ processed: 30, modelFallbacks: 30, modelBreaker: { faults: fake.requestCount, pauses: 1 } });
    expect(summary.modelBreaker!.faults).toBeGreaterThanOrEqual(3);
    expect(summary.modelBreaker!.skippedCalls).toBeGreaterThanOrEqual(summary.modelPaused);
    expect(summary.modelPaused).toBeGreaterThan(0);
    expect(await storedCounters(runId)).toEqual(summary.modelBreaker);
  });

  test.each([
    { title: "decided once counts its faults once", times: 1 },
    { title: "decided again after it was staged (a retried job) counts its faults once", times: 2 },
  ])("a chunk $title", async ({ times }) => {
    const { ids, model } = await modelAnswering500(5);
    // One customer at a time, so the breaker opens on the 3rd fault with no other call in flight.
    const run = await createRun(t.pool, { scope: { customerIds: ids }, policy: "llm", options: { concurrency: 1 } });
    await decideRunChunk(t.pool, { runId: run.runId, customerIds: ids.slice(0, 4), model });
    const once = await storedCounters(run.runId);
    for (let i = 1; i < times; i++) await decideRunChunk(t.pool, { runId: run.runId, customerIds: ids.slice(0, 4), model });
    expect(once).toMatchObject({ faults: 3, pauses: 1 });
    expect(await storedCounters(run.runId)).toEqual(once);
  });
});
