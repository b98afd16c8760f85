import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { insertCatalog } from "../pipeline/testing/fixtures";

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertCatalog(db.url);
  dir = mkdtempSync(path.join(os.tmpdir(), "experiment-cli-"));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db.drop();
});

const run = (...args: string[]) => {
  const result = spawnSync(process.execPath, ["--import", "tsx", "lib/cli/experiment.ts", ...args], { env: { ...process.env, DATABASE_URL: db.url }, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
};
const spec = (name: string, body: unknown) => {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(body));
  return file;
};

describe("npm run experiment", () => {
  test("starts from a spec file, refuses shares adding up to 60% before opening the database, lists the arms, and stops", () => {
    const arms = [
      { key: "champion", sharePercent: 50, allocation: "greedy" },
      { key: "challenger", sharePercent: 50, allocation: "optimal", edits: [{ treatmentKey: "retention_sms", effectPercent: 12 }] },
    ];
    expect(run("start", "--file", spec("good.json", { name: "Greedy against optimal", arms }))).toMatchObject({ code: 0, out: expect.stringContaining("Started Greedy against optimal (greedy-against-optimal)") });
    const bad = run("start", "--file", spec("bad.json", { name: "Bad", arms: [{ key: "a", sharePercent: 30 }, { key: "b", sharePercent: 30 }] }));
    expect(bad).toMatchObject({ code: 1, err: expect.stringContaining("arms: The shares add up to 60%; they must add up to 100%") });
    expect(run("list").out).toMatch(/greedy-against-optimal {2}running .*\n {2}champion {2}50% {2}greedy allocation\n {2}challenger {2}50% {2}optimal allocation; retention_sms at 12% effect/);
    expect(run("stop", "--key", "greedy-against-optimal")).toMatchObject({ code: 0, out: expect.stringContaining("Stopped greedy-against-optimal.") });
  }, 120_000);
});
