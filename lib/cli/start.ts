// `npm start`: one command from a fresh clone to a working dashboard. Reaches the database
// (DATABASE_URL, or the project's own PostgreSQL under .data/), migrates it, seeds the demo data
// when it is empty, builds the app when the sources are newer than the last build, then serves it.
// Ctrl-C stops the web server and, if this process started it, the database.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { openDatabase } from "../database/connection";
import { projectRoot } from "../database/paths";
import { getEnv } from "../env";

const DEMO_CUSTOMERS = 2000;
const isDev = process.argv.includes("--dev");
const env = getEnv();
const started = Date.now();
const log = (m: string) => console.log(`[start] ${m}`);

const nextBin = path.join(projectRoot, "node_modules", "next", "dist", "bin", "next");
const sourceDirs = ["app", "components", "lib", "public"];
const sourceFiles = ["next.config.js", "package.json", "postcss.config.mjs", "tsconfig.json"];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function needsBuild(): boolean {
  const buildId = path.join(projectRoot, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const newest = Math.max(...[...sourceDirs, ...sourceFiles].map((p) => newestMtime(path.join(projectRoot, p))));
  return newest > built;
}

async function isEmpty(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM "Customer" LIMIT 1) c`);
    return rows[0]?.n === 0;
  } finally {
    await client.end();
  }
}

const { DATABASE_URL: _unused, ...envWithoutDatabase } = process.env;
const nextEnv = { ...envWithoutDatabase, NEXT_TELEMETRY_DISABLED: "1" };

const db = await openDatabase({ log });
let isStopping = false;
async function shutdown(code: number) {
  if (isStopping) return;
  isStopping = true;
  await db.release();
  log(db.isLocal ? "Stopped." : "Stopped (the external database keeps running).");
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  if (await isEmpty(db.url)) {
    log(`The database is empty: seeding ${DEMO_CUSTOMERS} demo customers.`);
    const { seedDemo } = await import("../../prisma/seed/index");
    await seedDemo({ url: db.url, customers: DEMO_CUSTOMERS, log });
  }
  if (!isDev && needsBuild()) {
    log("Building the app (first start or changed sources)...");
    // The build reads no database: every page renders at request time.
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: nextEnv });
    if (build.status !== 0) throw new Error("next build failed");
  }
} catch (err) {
  console.error(`[start] ${(err as Error).message}`);
  await shutdown(1);
}

const web = spawn(process.execPath, [nextBin, isDev ? "dev" : "start", "-p", String(env.PORT)], {
  stdio: "inherit",
  env: { ...nextEnv, DATABASE_URL: db.url },
});
web.on("exit", (code) => void shutdown(code ?? 0));
await waitUntilServing(`http://127.0.0.1:${env.PORT}/`);
log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s: http://localhost:${env.PORT}`);

async function waitUntilServing(url: string) {
  for (let i = 0; i < 600 && !isStopping; i++) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
