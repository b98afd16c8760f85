import { rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type LocalPostgres, startLocalPostgres } from "./embedded";
import { DatabaseUnavailableError, backoffDelays, databaseFailureMessage, describeDatabase, guardDatabaseClients, guardPool, isConnectionError, withDatabaseRetry } from "./outage";
import { dataDir } from "./paths";
import { withTransaction } from "./transaction";

const coded = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("connection-level errors", () => {
  test.each<[string, unknown, boolean]>([
    ["a refused connection (ECONNREFUSED)", coded("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432"), true],
    ["a reset connection (ECONNRESET)", coded("ECONNRESET"), true],
    ["an administrator shutdown (57P01)", coded("57P01", "terminating connection due to administrator command"), true],
    ["a server starting up (57P03)", coded("57P03", "the database system is starting up"), true],
    ["a connection failure (08006)", coded("08006"), true],
    ["a connection lost without a code", new Error("Connection terminated unexpectedly"), true],
    ["a client that already lost its connection", new Error("Client has encountered a connection error and is not queryable"), true],
    ["a pool that could not connect in time", new Error("timeout exceeded when trying to connect"), true],
    ["both addresses of localhost refused (AggregateError)", new AggregateError([coded("ECONNREFUSED"), coded("ECONNREFUSED")]), true],
    ["Prisma unable to reach the server (P1001)", coded("P1001", "Can't reach database server"), true],
    ["Prisma wrapping the driver's error", Object.assign(new Error("driver failed"), { meta: { driverAdapterError: { cause: { originalCode: "57P01" } } } }), true],
    ["an error caused by a lost connection", new Error("write failed", { cause: coded("EPIPE") }), true],
    ["a unique violation (23505)", coded("23505", "duplicate key value violates unique constraint"), false],
    ["a check violation (23514)", coded("23514"), false],
    ["a syntax error (42601)", coded("42601", "syntax error at or near"), false],
    ["a wrong password (28P01)", coded("28P01", "password authentication failed"), false],
    ["an unknown host (ENOTFOUND), a setting to fix rather than wait for", coded("ENOTFOUND"), false],
    ["a bug", new TypeError("Cannot read properties of undefined"), false],
    ["not an error at all", "ECONNREFUSED", false],
  ])("%s: %s", (_title, err, expected) => {
    expect(isConnectionError(err)).toBe(expected);
  });
});

describe("retry with backoff", () => {
  test("waits 2, 4, 8, 16 and 30 s between 6 attempts by default", () => {
    expect(backoffDelays(6)).toEqual([2_000, 4_000, 8_000, 16_000, 30_000]);
  });

  function fakeTime() {
    let t = 0;
    const waits: number[] = [];
    return { waits, now: () => t, sleep: async (ms: number) => void (waits.push(ms), (t += ms)) };
  }

  test.each<[string, ("refused" | "ok" | "bug")[], { value?: string; error?: RegExp; calls: number; waits: number[] }]>([
    ["succeeds at once without waiting", ["ok"], { value: "done", calls: 1, waits: [] }],
    ["succeeds on the 3rd attempt after 2 refusals", ["refused", "refused", "ok"], { value: "done", calls: 3, waits: [2_000, 4_000] }],
    ["succeeds on the 6th and last attempt", ["refused", "refused", "refused", "refused", "refused", "ok"], { value: "done", calls: 6, waits: [2_000, 4_000, 8_000, 16_000, 30_000] }],
    [
      "gives up after the 6th refusal, naming the database, the attempts and the time",
      ["refused", "refused", "refused", "refused", "refused", "refused"],
      { error: /^The database at db\.internal:5433\/cvm did not answer after 6 attempts over 60 s \(last error: connect ECONNREFUSED 10\.0\.0\.7:5433\)\.$/, calls: 6, waits: [2_000, 4_000, 8_000, 16_000, 30_000] },
    ],
    ["does not retry an error that is not about the connection", ["refused", "bug", "ok"], { error: /duplicate key/, calls: 2, waits: [2_000] }],
  ])("%s", async (_title, script, expected) => {
    const time = fakeTime();
    let calls = 0;
    const result = await withDatabaseRetry(
      async () => {
        const step = script[calls++];
        if (step === "refused") throw coded("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.7:5433");
        if (step === "bug") throw coded("23505", "duplicate key value violates unique constraint");
        return "done";
      },
      { url: "postgresql://cvm:secret@db.internal:5433/cvm", sleep: time.sleep, now: time.now },
    ).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    if (expected.error) {
      expect("error" in result && (result.error as Error).message).toMatch(expected.error);
      expect((result as { error: Error }).error.message).not.toContain("secret");
    } else expect(result).toEqual({ value: expected.value });
    expect(calls).toBe(expected.calls);
    expect(time.waits).toEqual(expected.waits);
  });

  test.each<[string, unknown, string | null]>([
    ["the retry's own sentence", new DatabaseUnavailableError("The database at h/d did not answer after 6 attempts over 60 s (last error: x).", 6, 60_000, null), "The database at h/d did not answer after 6 attempts over 60 s (last error: x)."],
    ["a connection lost mid-way", new Error("Connection terminated unexpectedly"), "The database at h:1/d is unavailable (Connection terminated unexpectedly)."],
    ["any other error", new Error("duplicate key"), null],
  ])("a command reports %s", (_title, err, message) => {
    expect(databaseFailureMessage(err, "postgresql://u:p@h:1/d")).toBe(message);
  });

  test.each<[string | undefined, string | null]>([
    ["postgresql://cvm:secret@127.0.0.1:5432/cvm", "127.0.0.1:5432/cvm"],
    ["postgres://db.example.com/app", "db.example.com/app"],
    ["not a url", null],
    [undefined, null],
  ])("names %s as %s, without credentials", (url, named) => {
    expect(describeDatabase(url)).toBe(named);
  });
});

describe("a real PostgreSQL stopped and started again", () => {
  const dir = path.join(dataDir, `test-pg-outage-${process.pid}`);
  let server: LocalPostgres;
  const logged: string[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);

  beforeAll(async () => {
    guardDatabaseClients((m) => logged.push(m));
    process.on("uncaughtException", onUncaught);
    server = await startLocalPostgres({ dir });
  });
  afterAll(async () => {
    process.off("uncaughtException", onUncaught);
    await server?.stop();
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  test("idle, busy and standalone connections, and a pool without a listener, fail without an unhandled error, and a query through withDatabaseRetry succeeds after the restart", async () => {
    const url = server.urlFor("postgres");
    const pool = guardPool(new pg.Pool({ connectionString: url, max: 3 }), (m) => logged.push(m));
    // A standalone client with no listener of its own, as the import and seed commands open.
    const standalone = new pg.Client({ connectionString: url });
    await standalone.connect();
    // A pool no one gave a listener, as a library or a quick script makes.
    const bare = new pg.Pool({ connectionString: url, max: 1 });
    await bare.query("SELECT 1");
    try {
      // Two connections, so one stays idle in the pool while the transaction holds the other.
      await Promise.all([pool.query("SELECT pg_sleep(0.05)"), pool.query("SELECT pg_sleep(0.05)")]);
      const busy = withTransaction(pool, (c) => c.query("SELECT pg_sleep(30)")).catch((e: unknown) => e);
      // The transaction's sleep has begun before the server goes.
      for (let i = 0; i < 50 && (await standalone.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'")).rows[0].n === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await server.stop();

      expect(isConnectionError(await busy)).toBe(true);
      const lost = await standalone.query("SELECT 1").catch((e: unknown) => e);
      expect(isConnectionError(lost)).toBe(true);

      // While it is down: the limit, and its sentence.
      const refused = await withDatabaseRetry(() => pool.query("SELECT 1"), { attempts: 3, backoff: { initialMs: 20 }, url }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DatabaseUnavailableError);
      expect((refused as Error).message).toMatch(new RegExp(`^The database at 127\\.0\\.0\\.1:${server.port}/postgres did not answer after 3 attempts over 0 s \\(last error: .*ECONNREFUSED`));

      // Down, then back on the same port while the query waits.
      const retries: number[] = [];
      let restarted: Promise<LocalPostgres> | null = null;
      const answer = await withDatabaseRetry(() => pool.query<{ n: number }>("SELECT 42 AS n"), {
        attempts: 30,
        backoff: { initialMs: 100, factor: 1.5, maxMs: 1_000 },
        url,
        onRetry: ({ attempt }) => {
          retries.push(attempt);
          restarted ??= startLocalPostgres({ dir, port: server.port });
        },
      });
      server = await restarted!;
      expect(answer.rows).toEqual([{ n: 42 }]);
      expect(retries.length).toBeGreaterThan(0);
    } finally {
      await pool.end();
      await bare.end();
      await standalone.end().catch(() => {});
    }
    expect(uncaught).toEqual([]);
    // One idle connection in each pool.
    expect(logged.filter((m) => m.startsWith("[database] An idle connection failed and will be replaced"))).toHaveLength(2);
    expect(logged.some((m) => m.startsWith("[database] A connection failed"))).toBe(true);
  }, 60_000);
});
