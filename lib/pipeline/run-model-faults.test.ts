import { afterEach, describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { withCircuitBreaker } from "../llm/circuit-breaker";
import { createOpenAIChatModel } from "../llm/openai-model";
import { type FakeOpenAIServer, rawReply, startFakeOpenAIServer } from "../llm/testing/fake-openai-server";
import { createRun, executeRun } from "./runs";
import { insertCatalog, insertCustomers, insertPermissions } from "./testing/fixtures";

const fakes: FakeOpenAIServer[] = [];
afterEach(async () => {
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
