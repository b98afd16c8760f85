// The benchmark commands end to end at sizes small enough for the test run, each through its npm
// script as people start it: each prints its table and, with --json, one JSON object as the last
// line whose figures agree with one another; bad arguments stop each with a message naming the flag.
// The figures themselves are measured on this machine (README "Measured here"), never asserted.
import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { describe, expect, test } from "vitest";
import { startLocalPostgres } from "../database/embedded";
import { dataDir } from "../database/paths";

function npmRun(script: string, args: string[], timeoutMs: number) {
  const result = spawnSync("npm", ["run", "--silent", script, "--", ...args], { encoding: "utf8", timeout: timeoutMs, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  const lastLine = result.stdout.trim().split("\n").at(-1) ?? "";
  return { ...result, json: () => JSON.parse(lastLine) as Record<string, unknown> };
}

describe("bad arguments stop a benchmark before it starts anything, naming the flag", () => {
  test.each([
    ["bench", ["--customers", "0"], /--customers must be from 1 to 5,000,000; got 0/],
    ["bench", ["--latency", "soon"], /--latency must be a whole number/],
    ["bench", ["--queued-runs", "0"], /--queued-runs must be from 1 to 20; got 0/],
    ["bench", ["--frobnicate"], /Unknown option "--frobnicate"/],
    ["bench:review", ["--approvals", "x"], /--approvals must be a whole number/],
    ["bench:list", ["--customers", "1.5"], /--customers must be a whole number/],
    ["bench:alloc", ["--sizes", "300,abc"], /--sizes must be whole numbers from 1 to 1,000,000, separated by commas; got "300,abc"/],
  ])("npm run %s -- %j", (script, args, message) => {
    const result = npmRun(script, args, 60_000);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(`Usage: npm run ${script}`);
    expect(result.stdout.trim()).toBe("");
  }, 70_000);
});

describe("a benchmark whose PostgreSQL another process already runs stops in one sentence, touching none of its databases", () => {
  test.each([
    ["bench", "bench-pg"],
    ["bench:list", "bench-list-pg"],
    ["bench:review", "bench-review-pg"],
  ])("npm run %s, with .data/%s in use", async (script, folder) => {
    const other = await startLocalPostgres({ dir: path.join(dataDir, folder), isEphemeral: true });
    try {
      const result = npmRun(script, ["--customers", "10", "--json"], 60_000);
      expect(result.status, result.stderr).toBe(1);
      expect(result.stderr).toContain(`Another process uses the PostgreSQL in .data/${folder} (port ${other.port}): wait for it to end, or stop it, then start again.`);
      expect(result.stdout.trim()).toBe("");
      // The other process's server still answers, with no benchmark database made in it.
      const client = new pg.Client({ connectionString: other.urlFor("postgres") });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'cvm_bench%'`);
        expect(rows[0]!.n).toBe(0);
      } finally {
        await client.end();
      }
    } finally {
      await other.stop();
    }
  }, 90_000);
});

test("npm run bench: direct and queued runs of every customer, a killed worker's run completed by the other, and the model policy", () => {
  const result = npmRun("bench", ["--customers", "300", "--llm-customers", "8", "--latency", "50", "--json"], 240_000);
  expect(result.status, result.stderr).toBe(0);
  for (const row of ["Deterministic policy (direct, in one process)", "through the queue, 1 worker process", "through the queue, 2 worker processes, the next 3 runs (warm), median", "one killed (-9): kill to completion", "Language model"]) {
    expect(result.stdout).toContain(row);
  }
  const json = result.json();
  expect(json).toMatchObject({
    rules_customers: 300,
    queued_1_worker_customers: 300,
    queued_2_workers_customers: 300,
    kill_run_status: "completed",
    kill_run_total: 300,
    kill_run_processed: 300,
    kill_run_recommendations: 300,
    llm_customers: 8,
    llm_failed: 0,
    llm_latency_ms: 50,
  });
  for (const key of ["rules_customers_per_s", "queued_1_worker_customers_per_s", "queued_2_workers_customers_per_s", "queued_2_workers_rate_of_direct", "llm_customers_per_s"]) {
    expect(json[key], key).toBeGreaterThan(0);
  }
  // The warm queued figure is the median of its runs.
  for (const workers of ["1_worker", "2_workers"]) {
    const each = json[`queued_${workers}_warm_seconds_each`] as number[];
    expect(each, workers).toHaveLength(3);
    expect(json[`queued_${workers}_seconds`], workers).toBe([...each].sort((a, b) => a - b)[1]);
  }
  // The queued rate against direct is the queued rate over the mean of the direct runs around it.
  expect(json.queued_2_workers_rate_of_direct).toBeCloseTo(2 / (1 / (json.queued_2_workers_rate_of_direct_before as number) + 1 / (json.queued_2_workers_rate_of_direct_after as number)), 2);
}, 250_000);

test("npm run bench:review: the approvals asked for are approved or refused, and every approval is undone", () => {
  const result = npmRun("bench:review", ["--customers", "120", "--approvals", "40", "--json"], 120_000);
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).toContain("Bulk review of 40 decisions selected by filter (120 customers seeded)");
  const json = result.json() as { customers: number; pending: number; approvals_requested: number; approved: number; refused: number; undone: number };
  expect(json).toMatchObject({ customers: 120, approvals_requested: 40 });
  expect(json.pending).toBeGreaterThanOrEqual(40);
  expect(json.pending).toBeLessThanOrEqual(120);
  expect(json.approved + json.refused).toBe(40);
  expect(json.undone).toBe(json.approved);
}, 130_000);

test("npm run bench:list: every read timed over its runs, the writes and previews, and the segmentation of every customer", () => {
  const result = npmRun("bench:list", ["--customers", "3000", "--json"], 120_000);
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).toContain("Customers screen reads at 3,000 customers");
  type Read = { query: string; meanMs: number; p95Ms: number; minMs: number; maxMs: number };
  const json = result.json() as { customers: number; runs: number; reads: Read[]; steps: Record<string, number>; segmented: { customers: number; k: number } };
  expect(json.customers).toBe(3000);
  expect(json.reads.length).toBeGreaterThan(5);
  for (const read of json.reads) {
    // Each figure is of the same 20 timed runs: the mean and the 19th of them lie within their range.
    expect(read.minMs, read.query).toBeGreaterThan(0);
    for (const figure of [read.meanMs, read.p95Ms]) {
      expect(figure, read.query).toBeGreaterThanOrEqual(read.minMs);
      expect(figure, read.query).toBeLessThanOrEqual(read.maxMs);
    }
  }
  expect(Object.keys(json.steps)).toEqual(expect.arrayContaining(["save rule segment (writes its members)", "run preview of all customers (slowest of 3)"]));
  expect(json.segmented.customers).toBe(3000);
  expect(json.segmented.k).toBeGreaterThanOrEqual(2);
}, 130_000);

test("npm run bench:alloc: at each size the optimised allocation is at least the greedy one and at most the bound", () => {
  const result = npmRun("bench:alloc", ["--sizes", "300,600", "--json"], 120_000);
  expect(result.status, result.stderr).toBe(0);
  const json = result.json() as { sizes: { customers: number; alloc_share_of_optimum: number; greedy_share_of_optimum: number; bound_gbp: number; exact_lp_gbp: number | null }[] };
  expect(json.sizes.map((s) => s.customers)).toEqual([300, 600]);
  for (const size of json.sizes) {
    expect(size.alloc_share_of_optimum).toBeGreaterThanOrEqual(size.greedy_share_of_optimum);
    expect(size.alloc_share_of_optimum).toBeLessThanOrEqual(100.001);
    expect(size.greedy_share_of_optimum).toBeGreaterThan(90);
    if (size.exact_lp_gbp !== null) expect(size.exact_lp_gbp).toBeLessThanOrEqual(size.bound_gbp + 0.01);
  }
}, 130_000);
