// Worker processes started by another command (npm start, the browser tests, the benchmark, tests):
// each is `npm run worker` as its own Node process, so killing one kills nothing else.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { projectRoot } from "../database/paths";

const workerEntry = path.join(projectRoot, "lib", "cli", "worker.ts");

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

/** Starts one worker process against `databaseUrl`. */
export function spawnWorker(opts: SpawnWorkerOptions): ChildProcess {
  const args = ["--import", "tsx", workerEntry, "--concurrency", String(opts.concurrency ?? 2)];
  if (opts.maintenanceSeconds) args.push("--maintenance-seconds", String(opts.maintenanceSeconds));
  return spawn(process.execPath, args, {
    cwd: projectRoot,
    stdio: opts.stdio ?? "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: opts.databaseUrl, ...opts.env },
  });
}
