import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test, vi } from "vitest";
import { databaseRetryFrom, runWithDatabase } from "./command";
import { type DatabaseHandle, openDatabase } from "./connection";

const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });

/** A port nothing listens on: taken from the system, then let go. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a command's database at its process edge", () => {
  test.each<[string, ("refused" | "ok")[], ("refused" | "bug" | number)[], { exitCode: number | "thrown"; works: number; printed: RegExp | null }]>([
    ["opens at once and exits with the work's code", ["ok"], [0], { exitCode: 0, works: 1, printed: null }],
    ["waits out 2 refusals to open", ["refused", "refused", "ok"], [0], { exitCode: 0, works: 1, printed: null }],
    ["repeats work cut by a lost connection", ["ok"], ["refused", 2], { exitCode: 2, works: 2, printed: null }],
    [
      "stops after the 3rd refusal to open with one sentence and exit 1",
      ["refused", "refused", "refused"],
      [0],
      { exitCode: 1, works: 0, printed: /^\[import\] The database at db\.internal:5433\/cvm did not answer after 3 attempts over 0 s \(last error: connect ECONNREFUSED 127\.0\.0\.1:1\)\. Nothing was changed\.$/ },
    ],
    ["leaves an error that is not the database's to the command", ["ok"], ["bug"], { exitCode: "thrown", works: 1, printed: null }],
  ])("%s", async (_title, opens, works, expected) => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const released = vi.fn(async () => {});
    let openCalls = 0;
    let workCalls = 0;
    const open = async (): Promise<DatabaseHandle> => {
      if (opens[openCalls++] === "refused") throw refused();
      return { url: "postgresql://cvm:secret@db.internal:5433/cvm", isLocal: false, release: released };
    };
    const retry = { ...databaseRetryFrom({ DATABASE_URL: "postgresql://cvm:secret@db.internal:5433/cvm", DATABASE_RETRY_ATTEMPTS: 3, DATABASE_RETRY_FIRST_WAIT_MS: 1 }) };
    const exitCode = await runWithDatabase({ prefix: "[import]", log: () => {}, retry, open }, async () => {
      const step = works[workCalls++];
      if (step === "refused") throw refused();
      if (step === "bug") throw new TypeError("x is undefined");
      return step ?? 0;
    }).catch(() => "thrown" as const);

    expect(exitCode).toBe(expected.exitCode);
    expect(workCalls).toBe(expected.works);
    expect(released).toHaveBeenCalledTimes(expected.works > 0 ? 1 : 0);
    const printed = errors.mock.calls.map((c) => String(c[0])).filter((m) => !m.startsWith("[import] [database]"));
    if (expected.printed) {
      expect(printed).toHaveLength(1);
      expect(printed[0]).toMatch(expected.printed);
      expect(printed[0]).not.toContain("secret");
    } else expect(printed).toEqual([]);
  });

  test("a database URL nobody answers at: the real open waits, then says so and exits 1", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const logged: string[] = [];
    const url = `postgresql://cvm:secret@127.0.0.1:${await deadPort()}/cvm`;
    const exitCode = await runWithDatabase(
      {
        prefix: "[seed]",
        log: (m) => logged.push(m),
        retry: databaseRetryFrom({ DATABASE_URL: url, DATABASE_RETRY_ATTEMPTS: 2, DATABASE_RETRY_FIRST_WAIT_MS: 10 }),
        open: ({ log }) => openDatabase({ log, env: { ...process.env, DATABASE_URL: url } }),
      },
      async () => 0,
    );
    expect(exitCode).toBe(1);
    expect(logged).toEqual([expect.stringMatching(/^The database at 127\.0\.0\.1:\d+\/cvm is unavailable \(.*ECONNREFUSED.*\)\. Trying again in 0\.0 s \(attempt 2 of 2\)\.$/)]);
    expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/^\[seed\] The database at 127\.0\.0\.1:\d+\/cvm did not answer after 2 attempts over 0 s \(last error: .*ECONNREFUSED.*\)\. Nothing was changed\.$/)]);
  });
});

describe("the commands, run as a person would", () => {
  test.each([
    { command: "import", script: "lib/cli/import.ts", file: "customers.csv", text: "customerID,tenure\n1,2\n", prefix: "[import]" },
    { command: "outcomes:import", script: "lib/cli/outcomes-import.ts", file: "outcomes.csv", text: "decision_id\n", prefix: "[outcomes]" },
    { command: "seed", script: "lib/cli/seed.ts", file: null, text: "", prefix: "[seed]" },
  ])("npm run $command against a database nobody answers at exits 1 with one sentence, no stack trace", async ({ script, file, text, prefix }) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cvm-outage-"));
    try {
      const args = file ? [path.join(dir, file)] : ["--customers", "10"];
      if (file) writeFileSync(path.join(dir, file), text);
      const port = await deadPort();
      const result = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
        cwd: path.resolve(import.meta.dirname, "../.."),
        encoding: "utf8",
        timeout: 30_000,
        env: { ...process.env, DATABASE_URL: `postgresql://cvm:secret@127.0.0.1:${port}/cvm`, DATABASE_RETRY_ATTEMPTS: "2", DATABASE_RETRY_FIRST_WAIT_MS: "10" },
      });
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toMatch(new RegExp(`^\\${prefix.slice(0, -1)}\\] The database at 127\\.0\\.0\\.1:${port}/cvm did not answer after 2 attempts over 0 s \\(last error: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)\\. Nothing was changed\\.$`));
      expect(result.stdout).toMatch(/is unavailable \(connect ECONNREFUSED .*\)\. Trying again in 0\.0 s \(attempt 2 of 2\)\./);
      expect(result.stdout + result.stderr).not.toMatch(/secret|\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
