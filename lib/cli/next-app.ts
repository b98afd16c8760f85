// Building and serving the Next.js app from the command line (npm start and the browser tests).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../database/paths";
import { exitWithParent } from "../jobs/spawn";

const nextBin = path.join(projectRoot, "node_modules", "next", "dist", "bin", "next");
const sources = ["app", "components", "lib", "public", "next.config.js", "package.json", "postcss.config.mjs", "tsconfig.json"];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** True when there is no build yet or a source file changed after it. */
export function needsBuild(): boolean {
  const buildId = path.join(projectRoot, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return Math.max(...sources.map((p) => newestMtime(path.join(projectRoot, p)))) > built;
}

/** The build sees no database and no secrets: nothing of them can end up in its output. */
function buildEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, AUTH_SECRET: _secret, OPENAI_API_KEY: _key, ...rest } = process.env;
  return { ...rest, NEXT_TELEMETRY_DISABLED: "1" };
}

function serveEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: databaseUrl, ...extra };
}

/** Runs `next build`; the build reads no database because every page renders at request time. */
export function buildApp(): void {
  const result = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: buildEnv() });
  if (result.status !== 0) throw new Error("next build failed");
}

/**
 * Starts `next start` (or `next dev`) on `port` against `databaseUrl`, with `env` added to the
 * environment; it stops itself if this process dies without stopping it.
 */
export function serveApp(opts: { port: number; databaseUrl: string; isDev?: boolean; isQuiet?: boolean; env?: Record<string, string> }): ChildProcess {
  const tie = exitWithParent();
  return spawn(process.execPath, [...tie.execArgv, nextBin, opts.isDev ? "dev" : "start", "-p", String(opts.port)], {
    stdio: opts.isQuiet ? "ignore" : "inherit",
    env: serveEnv(opts.databaseUrl, { ...tie.env, ...opts.env }),
  });
}

/** Resolves once `url` answers with anything but a server error; false if it never did in time. */
export async function waitUntilServing(url: string, opts: { timeoutMs?: number; isAborted?: () => boolean } = {}): Promise<boolean> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  while (Date.now() < deadline && !opts.isAborted?.()) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
