// `npm start`: one command from a fresh clone to a working dashboard. Reaches the database
// (DATABASE_URL, or the project's own PostgreSQL under .data/), migrates it, seeds the demo data
// when it is empty, builds the app when the sources are newer than the last build, then serves it
// with WORKERS worker processes (default 1) that run the runs people start.
// Ctrl-C stops the web server, the workers and, if this process started it, the database.
import type { ChildProcess } from "node:child_process";
import net from "node:net";
import pg from "pg";
import { seedDemo } from "../../prisma/seed/index";
import { seedDemoHistory } from "../demo/history";
import path from "node:path";
import { loadOrCreateSecret } from "../auth/secret";
import { openDatabase } from "../database/connection";
import { LocalDatabaseError } from "../database/embedded";
import { dataDir } from "../database/paths";
import { getEnv } from "../env";
import { spawnWorker } from "../jobs/spawn";
import { exitOnBadArgs, parseCommandArgs } from "./args";
import { buildApp, needsBuild, serveApp, waitUntilServing } from "./next-app";

const DEMO_CUSTOMERS = 2000;
const parsed = parseCommandArgs(process.argv.slice(2), { dev: { type: "boolean", default: false } });
if (!parsed.ok) exitOnBadArgs(parsed, "Usage: npm start   (npm run dev: the same with the development server)");
const isDev = parsed.values.dev;
const env = getEnv();
const started = Date.now();
const log = (m: string) => console.log(`[start] ${m}`);

function isPortTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function isEmpty(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query(`SELECT 1 FROM "Customer" LIMIT 1`);
    return rowCount === 0;
  } finally {
    await client.end();
  }
}

// Before anything else: a database that cannot start stops here with its one-sentence reason.
const db = await openDatabase({ log }).catch((err: unknown) => {
  const reason = err instanceof LocalDatabaseError ? err.message : `The database could not be opened: ${(err as Error).message}`;
  console.error(`[start] ${reason}`);
  return process.exit(1);
});
let isStopping = false;
let web: ChildProcess | null = null;
const workers: ChildProcess[] = [];
/** Sends SIGTERM to `child` and waits (at most 10 s) for it to exit. */
async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
}
async function shutdown(code: number) {
  if (isStopping) return;
  isStopping = true;
  // Workers finish their current chunk; one still busy after 10 s is left to expire and be retried.
  await Promise.all(workers.map(stopChild));
  // Then the web server (it holds database connections), whether or not the signal reached it too.
  if (web && web.exitCode === null && web.signalCode === null) {
    const exited = new Promise((resolve) => web!.once("exit", resolve));
    web.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
  await db.release();
  log(db.isLocal ? "Stopped the web server and the local database." : "Stopped.");
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  if (await isEmpty(db.url)) {
    log(`The database is empty: seeding ${DEMO_CUSTOMERS} demo customers.`);
    await seedDemo({ url: db.url, customers: DEMO_CUSTOMERS, log });
    await seedDemoHistory({ url: db.url, log });
  }
  if (!isDev && needsBuild()) {
    log("Building the app (first start, or the sources changed)...");
    buildApp();
  }
} catch (err) {
  console.error(`[start] ${(err as Error).message}`);
  await shutdown(1);
}

if (await isPortTaken(env.PORT)) {
  console.error(`[start] Port ${env.PORT} is already in use (is the app already running?). Stop that process or set PORT.`);
  await shutdown(1);
}
// The app's own database holds the demo: its accounts are listed on the sign-in page. With
// DATABASE_URL, demo mode is off unless DEMO_MODE=true says otherwise.
const isDemo = env.DEMO_MODE ?? db.isLocal;
const authSecret = env.AUTH_SECRET ?? loadOrCreateSecret(path.join(dataDir, "auth-secret"));
if (isDemo) log("Demo mode: the sign-in page lists the demo accounts (one per role).");
web = serveApp({ port: env.PORT, databaseUrl: db.url, isDev, env: { AUTH_SECRET: authSecret, DEMO_MODE: String(isDemo) } });
web.on("exit", (code) => void shutdown(code ?? 0));
// Runs left queued or half done by a stop resume here: their jobs wait in the queue.
for (let n = 0; n < env.WORKERS; n++) {
  const worker = spawnWorker({ databaseUrl: db.url });
  worker.on("exit", (code, signal) => {
    if (!isStopping) log(`Worker ${worker.pid} stopped (${signal ?? `exit ${code}`}); the other workers, or the next start, take its jobs.`);
  });
  workers.push(worker);
}
if (env.WORKERS === 0) log("WORKERS=0: no worker here; runs wait for workers started elsewhere (npm run worker).");
if (await waitUntilServing(`http://127.0.0.1:${env.PORT}/`, { isAborted: () => isStopping })) {
  log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s: http://localhost:${env.PORT}`);
}
