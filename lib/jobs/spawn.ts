// Worker processes started by another command (npm start, the browser tests, the benchmark, tests):
// each is `npm run worker` as its own Node process, so killing one kills nothing else.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { projectRoot } from "../database/paths";

const workerEntry = path.join(projectRoot, "lib", "cli", "worker.ts");

/**
 * Node options and settings that make a started process stop itself once the process that started
 * it is gone (lib/cli/exit-with-parent.cjs), so no worker or web server outlives its command.
 */
export function exitWithParent(): { execArgv: string[]; env: Record<string, string> } {
  return { execArgv: ["--require", path.join(projectRoot, "lib", "cli", "exit-with-parent.cjs")], env: { EXIT_WITH_PARENT_PID: String(process.pid) } };
}

export type SpawnWorkerOptions = {
  databaseUrl: string;
  /** Decide jobs the process works at once. */
  concurrency?: number;
  /** Seconds between its looks for jobs whose worker died. */
  maintenanceSeconds?: number;
  /** Settings added to this process's environment (RUN_JOB_EXPIRE_SECONDS, a model's key...). */
  env?: Record<string, string>;
  /** Where its output goes: this process's (inherit), nowhere (ignore), or a pipe to read. */
  stdio?: "inherit" | "ignore" | "pipe";
};

/** Starts one worker process against `databaseUrl`; it stops after its current jobs if this process dies. */
export function spawnWorker(opts: SpawnWorkerOptions): ChildProcess {
  const tie = exitWithParent();
  const args = [...tie.execArgv, "--import", "tsx", workerEntry, "--concurrency", String(opts.concurrency ?? 2)];
  if (opts.maintenanceSeconds) args.push("--maintenance-seconds", String(opts.maintenanceSeconds));
  return spawn(process.execPath, args, {
    cwd: projectRoot,
    stdio: opts.stdio ?? "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: opts.databaseUrl, ...tie.env, ...opts.env },
  });
}
