import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "vitest";

// A failing test run or command must not exit 0 because the local database library ends the process itself.
test("a process that loads the local database keeps the exit code it set", () => {
  const script = `await import(${JSON.stringify(path.resolve(import.meta.dirname, "embedded.ts"))}); process.exitCode = 3;`;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(3);
});

