import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, expect, test } from "vitest";

const startScript = path.resolve(import.meta.dirname, "start.ts");
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// Run as root, the local PostgreSQL runs as the `postgres` user; data it cannot reach must stop
// `npm start` before it seeds, builds or serves anything (CI runs as root).
test.skipIf(os.userInfo().uid !== 0)(
  "stops before anything else, in one sentence, when root's postgres user cannot reach the data in a private project folder",
  () => {
    const project = mkdtempSync(path.join(os.tmpdir(), "cvm-project-"));
    made.push(project);
    chmodSync(project, 0o700);
    const pgDir = path.join(project, ".data", "pg");
    mkdirSync(pgDir, { recursive: true });
    writeFileSync(path.join(pgDir, "PG_VERSION"), "18\n");
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: "39517" };
    delete env.DATABASE_URL;
    const result = spawnSync(process.execPath, ["--import", tsx, startScript], { cwd: project, env, encoding: "utf8", timeout: 60_000 });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `[start] The database files in ${pgDir} cannot be reached by the "postgres" user that runs the local database: ` +
        `let that user enter ${path.dirname(pgDir)} and every folder above it, or set DATABASE_URL.\n`,
    );
  },
);
