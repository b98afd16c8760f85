// Browser tests run against their own throw-away PostgreSQL under .data/, seeded with demo data,
// and their own production server. Any other database is refused: these tests reset what they use.
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { DEMO_PASSWORD, demoUsers } from "../lib/auth/demo-users";
import { seedDemo } from "../prisma/seed/index";
import { needsBuild, serveApp, waitUntilServing } from "../lib/cli/next-app";
import { ensureDatabaseExists, startOwnLocalPostgres } from "../lib/database/embedded";
import { applyMigrations } from "../lib/database/migrate";
import { dataDir } from "../lib/database/paths";
import { spawnWorker } from "../lib/jobs/spawn";
import { createRun, executeRun } from "../lib/pipeline/runs";
import { AUTH_STATE_DIR, E2E_AUTH_SECRET, authStatePath } from "./fixtures/auth";
import { E2E_CUSTOMERS, E2E_DATABASE, E2E_PIPELINE_CUSTOMERS, E2E_RUN_BATCH_SIZE } from "./fixtures/constants";

/** `next build` in a child process: the build is CPU-bound and the seed mostly waits on PostgreSQL, so they overlap. */
function buildInBackground(): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "fixtures", "build-app.ts")], { stdio: "inherit" });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error("next build failed"))));
  });
}

export default async function globalSetup() {
  const port = Number(process.env.E2E_PORT ?? 3107);
  // Decided before seeding writes anything under the project, and awaited before the app is served.
  const building = needsBuild() ? buildInBackground() : Promise.resolve();
  // A failed seed must not leave the build's rejection unhandled; it is awaited (and thrown) below.
  building.catch(() => {});
  const server = await startOwnLocalPostgres({ dir: path.join(dataDir, "e2e-pg"), isEphemeral: true });
  const url = server.urlFor(E2E_DATABASE);
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1" || !url.endsWith(`/${E2E_DATABASE}`)) throw new Error(`Refusing to seed ${host}: browser tests only use their own local database.`);

  await ensureDatabaseExists(server.urlFor("postgres"), E2E_DATABASE);
  await applyMigrations(url);
  await seedDemo({ url, customers: E2E_CUSTOMERS });
  // One deterministic run so the review queue, allocation history and runs have real rows.
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    const run = await createRun(pool, { scope: { limit: E2E_PIPELINE_CUSTOMERS }, policy: "rules" });
    if (!(await executeRun(pool, { runId: run.runId, customerIds: run.customerIds, policy: "rules", model: null }))) throw new Error("The setup run failed.");
  } finally {
    await pool.end();
  }
  process.env.E2E_DATABASE_URL = url;
  // Read by the served app (it inherits this environment).
  process.env.RUN_BATCH_SIZE = String(E2E_RUN_BATCH_SIZE);

  await building;
  // Specs expect exact treatments for customers they create with random ids; a 5% hold-out would
  // take some of them at random, so the served app holds out nobody (control groups are tested in
  // lib/pipeline/control-group.test.ts and lib/agents/orchestrator/control-group.test.ts).
  const web = serveApp({ port, databaseUrl: url, isQuiet: true, env: { AUTH_SECRET: E2E_AUTH_SECRET, DEMO_MODE: "true", CONTROL_GROUP_SHARE: "0" } });
  // The app only enqueues runs: a worker process runs them, as `npm start` starts one.
  const worker = spawnWorker({ databaseUrl: url, concurrency: 2, env: { CONTROL_GROUP_SHARE: "0" }, stdio: "ignore" });
  if (!(await waitUntilServing(`http://127.0.0.1:${port}/`, { timeoutMs: 120_000 }))) {
    web.kill();
    worker.kill();
    await server.stop();
    throw new Error(`The app did not start on port ${port}.`);
  }
  // One signed-in browser state per demo account; specs pick theirs (the manager's by default).
  await mkdir(AUTH_STATE_DIR, { recursive: true });
  for (const user of demoUsers) {
    const res = await fetch(`http://127.0.0.1:${port}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: `http://127.0.0.1:${port}` },
      body: JSON.stringify({ email: user.email, password: DEMO_PASSWORD }),
    });
    const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]!.split("="));
    if (!res.ok || cookies.length === 0) throw new Error(`The demo ${user.role} could not sign in (${res.status}).`);
    const state = {
      cookies: cookies.map(([name, ...value]) => ({ name: name!, value: value.join("="), domain: "127.0.0.1", path: "/", expires: -1, httpOnly: true, secure: false, sameSite: "Lax" as const })),
      origins: [],
    };
    await writeFile(authStatePath(user.role), JSON.stringify(state));
  }

  return async () => {
    worker.kill("SIGTERM");
    web.kill("SIGTERM");
    await Promise.all([new Promise((r) => web.once("exit", r)), worker.exitCode === null ? new Promise((r) => worker.once("exit", r)) : null]);
    await server.stop();
  };
}
