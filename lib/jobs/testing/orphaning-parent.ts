// A command that starts one process, prints "child <pid>" and waits: the tests kill it with SIGKILL
// and watch what becomes of the process it started.
// Usage: orphaning-parent.ts worker|tied|untied, or orphaning-parent.ts postgres DIR (prints "port <n>" too)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startLocalPostgres } from "../../database/embedded";
import { exitWithParent, spawnWorker } from "../spawn";

/** A process that says when SIGTERM reaches it and otherwise runs for ever. */
const LISTENER = `process.on("SIGTERM", () => { console.log("child stopped on SIGTERM"); process.exit(0); }); setInterval(() => {}, 60000);`;

/** Starts what `mode` names; resolves with its pid and, for a database, its port. */
async function start(mode: string | undefined): Promise<{ pid: number | undefined; port?: number }> {
  if (mode === "worker") return { pid: spawnWorker({ databaseUrl: process.env.DATABASE_URL ?? "", concurrency: 1, maintenanceSeconds: 1, stdio: "inherit" }).pid };
  if (mode === "tied" || mode === "untied") {
    const tie = mode === "tied" ? exitWithParent() : { execArgv: [], env: {} };
    return { pid: spawn(process.execPath, [...tie.execArgv, "-e", LISTENER], { stdio: "inherit", env: { ...process.env, ...tie.env } }).pid };
  }
  if (mode === "postgres") {
    const server = await startLocalPostgres({ dir: process.argv[3] ?? "" });
    return { pid: Number(readFileSync(path.join(server.dataDir, "postmaster.pid"), "utf8").split("\n")[0]), port: server.port };
  }
  throw new Error(`Usage: orphaning-parent.ts worker|tied|untied|postgres (got ${mode})`);
}

const started = await start(process.argv[2]);
console.log(`child ${started.pid}`);
if (started.port) console.log(`port ${started.port}`);
setInterval(() => {}, 60_000);
