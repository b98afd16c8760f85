import { describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { createOpenAIChatModel } from "../llm/openai-model";
import { createExperiment } from "./experiments";
import { runPipelineForCustomer } from "./launch";
import { insertCatalog, insertCustomers } from "./testing/fixtures";

describe("a run for one customer with no worker to take it", () => {
  const t = usePoolPerTest();

  const withModel =
    "No worker with the language model (OPENAI_API_KEY set) took the run within 1 s; it stays queued and will run when a worker with the language model (OPENAI_API_KEY set) starts (npm run worker, or npm start with WORKERS of 1 or more).";
  test.each([
    { policy: "rules" as const, isModelArm: false, message: "No worker took the run within 1 s; it stays queued and will run when a worker starts (npm run worker, or npm start with WORKERS of 1 or more)." },
    { policy: "llm" as const, isModelArm: false, message: withModel },
    // Its challengers are decided by the model: it waits for a worker with it too.
    { policy: "rules" as const, isModelArm: true, message: withModel },
  ])("says, for a $policy run (an experiment arm with the model: $isModelArm), which worker it waits for, and leaves the run queued", async ({ policy, isModelArm, message }) => {
    await insertCatalog(t.db.url);
    const [customerId] = await insertCustomers(t.db.url, { count: 1 });
    if (isModelArm) {
      const arms = [{ key: "champion", share: 0.5 }, { key: "challenger", share: 0.5, policy: "llm" }];
      expect((await createExperiment(t.pool, { input: { key: "model-arm", name: "The model for half", arms, startsAt: "2026-01-01T00:00:00Z", endsAt: null, stoppedAt: null }, actor: { id: null, label: "test" } })).ok).toBe(true);
    }
    // Never called: no worker takes the run.
    const model = createOpenAIChatModel({ apiKey: "test", model: "test-model", baseURL: "http://127.0.0.1:1/v1", maxRetries: 0 });
    await expect(runPipelineForCustomer({ pool: t.pool, model, customerRunTimeoutMs: 1_000 }, { customerId: customerId!, policy })).rejects.toThrow(message);
    const { rows } = await t.pool.query<{ status: string; policy: string }>(`SELECT status::text, policy::text FROM "Run"`);
    expect(rows).toEqual([{ status: "queued", policy }]);
  });
});
