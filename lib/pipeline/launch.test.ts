import { describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { createOpenAIChatModel } from "../llm/openai-model";
import { runPipelineForCustomer } from "./launch";
import { insertCatalog, insertCustomers } from "./testing/fixtures";

describe("a run for one customer with no worker to take it", () => {
  const t = usePoolPerTest();

  test.each([
    { policy: "rules" as const, message: "No worker took the run within 1 s; it stays queued and will run when a worker starts (npm run worker, or npm start with WORKERS of 1 or more)." },
    {
      policy: "llm" as const,
      message:
        "No worker with the language model (OPENAI_API_KEY set) took the run within 1 s; it stays queued and will run when a worker with the language model (OPENAI_API_KEY set) starts (npm run worker, or npm start with WORKERS of 1 or more).",
    },
  ])("says, for a $policy run, which worker it waits for, and leaves the run queued", async ({ policy, message }) => {
    await insertCatalog(t.db.url);
    const [customerId] = await insertCustomers(t.db.url, { count: 1 });
    // Never called: no worker takes the run.
    const model = createOpenAIChatModel({ apiKey: "test", model: "test-model", baseURL: "http://127.0.0.1:1/v1", maxRetries: 0 });
    await expect(runPipelineForCustomer({ pool: t.pool, model, customerRunTimeoutMs: 1_000 }, { customerId: customerId!, policy })).rejects.toThrow(message);
    const { rows } = await t.pool.query<{ status: string; policy: string }>(`SELECT status::text, policy::text FROM "Run"`);
    expect(rows).toEqual([{ status: "queued", policy }]);
  });
});
