import { describe, expect, test } from "vitest";
import { usePoolPerTest } from "../database/testing";
import { startWorker } from "./worker";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a worker whose start fails part way", () => {
  const t = usePoolPerTest();

  test("rejects, and leaves no queue running behind it: nothing more reaches the database", async () => {
    const query = t.pool.query.bind(t.pool) as (...args: unknown[]) => Promise<unknown>;
    let statements = 0;
    // The queue opens; scheduling the nightly refreshes then fails.
    (t.pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
      statements += 1;
      const text = typeof args[0] === "string" ? args[0] : String((args[0] as { text?: string })?.text ?? "");
      if (/INSERT INTO \S*schedule/i.test(text)) return Promise.reject(new Error("the schedule could not be written"));
      return query(...args);
    };
    await expect(startWorker({ pool: t.pool, model: null, expireInSeconds: 30, maintenanceIntervalSeconds: 1, pollingIntervalSeconds: 0.5, log: () => {} })).rejects.toThrow(
      /the schedule could not be written/,
    );
    const after = statements;
    // Three of its maintenance passes, had it been left running.
    await sleep(3_000);
    expect(statements).toBe(after);
  });
});
