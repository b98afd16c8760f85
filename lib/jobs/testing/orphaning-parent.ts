// A command that starts one process, prints "child <pid>" and waits: the tests kill it with SIGKILL
// and watch what becomes of the process it started. Usage: orphaning-parent.ts worker|tied|untied
import { type ChildProcess, spawn } from "node:child_process";
import { exitWithParent, spawnWorker } from "../spawn";

/** A process that says when SIGTERM reaches it and otherwise runs for ever. */
const LISTENER = `process.on("SIGTERM", () => { console.log("child stopped on SIGTERM"); process.exit(0); }); setInterval(() => {}, 60000);`;

const mode = process.argv[2];
let child: ChildProcess;
if (mode === "worker") child = spawnWorker({ databaseUrl: process.env.DATABASE_URL ?? "", concurrency: 1, maintenanceSeconds: 1, stdio: "inherit" });
else if (mode === "tied" || mode === "untied") {
  const tie = mode === "tied" ? exitWithParent() : { execArgv: [], env: {} };
  child = spawn(process.execPath, [...tie.execArgv, "-e", LISTENER], { stdio: "inherit", env: { ...process.env, ...tie.env } });
} else throw new Error(`Usage: orphaning-parent.ts worker|tied|untied (got ${mode})`);
console.log(`child ${child.pid}`);
setInterval(() => {}, 60_000);
