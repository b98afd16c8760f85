import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Page } from "@playwright/test";
import pg from "pg";
import { needsBuild } from "../lib/cli/next-app";
import { IS_LIVE_WORKER_SQL } from "../lib/jobs/heartbeat";
import { isProcessAlive } from "../lib/processes";
import { E2E_RUN_BATCH_SIZE } from "./fixtures/constants";
import { capture, expect, test } from "./fixtures/test";

const RUN_SIZE = 500;

/** The newest run with `total` customers created since `since` (other specs start runs too). */
async function findRun(sql: pg.Pool, opts: { total: number; since: Date }): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(async () => {
      const { rows } = await sql.query<{ id: string }>(`SELECT id FROM "Run" WHERE total = $1 AND "createdAt" >= $2 ORDER BY "createdAt" DESC LIMIT 1`, [
        opts.total,
        opts.since,
      ]);
      id = rows[0]?.id;
      return id;
    })
    .toBeTruthy();
  return id!;
}

async function startRun(page: Page, opts: { limit: number }) {
  await page.goto("/runs");
  const form = page.getByTestId("start-run-form");
  await form.getByRole("radio", { name: /^All customers/ }).check();
  await form.getByLabel("At most (customers)").fill(String(opts.limit));
  await form.getByRole("radio", { name: "Deterministic policy", exact: true }).check();
  await form.getByRole("button", { name: "Start run" }).click();
}

test.describe("runs", () => {
  test("a run of 500 customers shows its progress moving and ends with a summary that matches the database", async ({ page, sql }) => {
    // Alone on a quiet machine the run ends between two refreshes of the list, so the test holds the
    // capacity rows' locks: the run decides, lets exactly one allocation batch through, and waits
    // while the screen shows that batch's progress.
    // Connections of their own: the shared pool keeps serving the test's reads meanwhile.
    const first = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
    const second = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
    await Promise.all([first.connect(), second.connect()]);
    const lockCapacity = `SELECT key FROM "ResourceConstraint" ORDER BY key FOR UPDATE`;
    const pidOf = async (client: pg.Client) => (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    const pids = [await pidOf(first), await pidOf(second)];
    /** Sessions waiting for the capacity rows: the test's own (`ours`), or the others (the run's, or another test's). */
    const waitingForCapacity = async (whose: "ours" | "others") =>
      (
        await sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%"ResourceConstraint"%FOR UPDATE%' AND (pid = ANY($1::int[])) = $2`,
          [pids, whose === "ours"],
        )
      ).rows[0]!.n;
    await first.query("BEGIN");
    await first.query(lockCapacity);
    const since = new Date(Date.now() - 1000);
    await startRun(page, { limit: RUN_SIZE });
    await expect(page.getByTestId("run-start-result")).toContainText(`Run started over ${RUN_SIZE} customers with the deterministic policy`);
    const runId = await findRun(sql, { total: RUN_SIZE, since });
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await expect(row).toBeVisible();
    await expect(row).toContainText("Deterministic policy");

    // The run's capacity transactions wait for the rows; a second lock queues behind the waiting one,
    // so releasing the held lock lets exactly one transaction through (the run's prices first, then
    // its batches) before the test holds the rows again. Until one batch is written.
    const progress = row.getByTestId("run-progress");
    const processed = async () => (await sql.query<{ processed: number }>(`SELECT processed FROM "Run" WHERE id = $1`, [runId])).rows[0]!.processed;
    let [holder, next] = [first, second];
    try {
      for (let handovers = 0; (await processed()) === 0; handovers++) {
        expect(handovers, "capacity transactions let through before the run's first batch").toBeLessThan(20);
        await expect.poll(() => waitingForCapacity("others"), { timeout: 45_000 }).toBeGreaterThan(0);
        await next.query("BEGIN");
        const nextLock = next.query(lockCapacity);
        await expect.poll(() => waitingForCapacity("ours")).toBe(1);
        await holder.query("COMMIT");
        await nextLock;
        [holder, next] = [next, holder];
        // A batch of the run is counted just after its transaction, before the next one waits.
        await expect.poll(async () => (await processed()) > 0 || (await waitingForCapacity("others")) > 0, { timeout: 45_000 }).toBe(true);
      }
      expect(await processed()).toBe(E2E_RUN_BATCH_SIZE);
      // The bar, refreshing itself, shows the one batch written: strictly between 0 and 500.
      await expect(progress).toHaveAttribute("aria-valuenow", String(E2E_RUN_BATCH_SIZE));
    } finally {
      await first.query("ROLLBACK").catch(() => {});
      await second.query("ROLLBACK").catch(() => {});
      await Promise.all([first.end(), second.end()]);
    }
    await expect(row).toHaveAttribute("data-status", "completed", { timeout: 45_000 });
    await expect(progress).toHaveAttribute("aria-valuenow", String(RUN_SIZE));

    await row.getByRole("button", { name: "Summary" }).click();
    const summary = page.getByTestId("run-detail").getByTestId("run-summary");
    await expect(summary).toBeVisible();
    const { rows } = await sql.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM "Recommendation" WHERE "runId" = $1 GROUP BY status`, [runId]);
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
    // Reviews made since (by people or other tests) move decisions out of pending review, never out of the run.
    const decidedForReview = ["pending_review", "approved", "rejected", "overridden", "superseded"].reduce((n, s) => n + (byStatus[s] ?? 0), 0);
    const number = (n: number) => n.toLocaleString("en-GB");
    await expect(summary.getByTestId("summary-pending_review")).toHaveText(number(decidedForReview));
    await expect(summary.getByTestId("summary-no_action")).toHaveText(number(byStatus.no_action ?? 0));
    await expect(summary.getByTestId("summary-failed")).toHaveText(number(byStatus.failed ?? 0));
    expect(decidedForReview + (byStatus.no_action ?? 0) + (byStatus.failed ?? 0)).toBe(RUN_SIZE);
    // Beside what it decided, where each decision stands now: reviews move them between statuses, never out of the run.
    const now = await summary.getByTestId("summary-now").locator("[data-testid^=now-]").allTextContents();
    expect(now.reduce((n, text) => n + Number(text.replace(/,/g, "")), 0)).toBe(RUN_SIZE);

    // Treatments chosen: an override since keeps what the run chose in "overriddenFrom".
    const byTreatment = await sql.query<{ key: string; n: number }>(
      `SELECT coalesce("overriddenFrom", "treatmentKey") AS key, count(*)::int AS n FROM "Recommendation"
       WHERE "runId" = $1 AND status <> 'failed' AND coalesce("overriddenFrom", "treatmentKey") IS NOT NULL
       GROUP BY 1`,
      [runId],
    );
    const shownByTreatment = await summary
      .getByTestId("summary-by-treatment")
      .locator("li")
      .evaluateAll((items) =>
        items.map((li) => ({ key: li.querySelector("[title]")?.getAttribute("title") ?? "", n: Number((li.lastElementChild?.textContent ?? "").replace(/,/g, "")) })),
      );
    const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    expect(shownByTreatment.sort(byKey)).toEqual(byTreatment.rows.sort(byKey));
    expect(byTreatment.rows.reduce((n, r) => n + r.n, 0)).toBeGreaterThan(0);

    const { rows: decided } = await sql.query<{ fallbacks: number; calls: number; prompt: number; answer: number }>(
      `SELECT count(*) FILTER (WHERE status <> 'failed' AND jsonb_typeof("fallbackPath") = 'array' AND jsonb_array_length("fallbackPath") > 0)::int AS fallbacks,
              coalesce(sum((trace -> 'usage' ->> 'calls')::int), 0)::int AS calls,
              coalesce(sum((trace -> 'usage' ->> 'promptTokens')::int), 0)::int AS prompt,
              coalesce(sum((trace -> 'usage' ->> 'completionTokens')::int), 0)::int AS answer
       FROM "Recommendation" WHERE "runId" = $1`,
      [runId],
    );
    const totals = decided[0]!;
    await expect(summary.getByTestId("summary-fallbacks")).toHaveText(number(totals.fallbacks));
    // A deterministic run asks no model: its decisions' traces record no calls and no tokens.
    expect(totals).toMatchObject({ calls: 0, prompt: 0, answer: 0 });
    await expect(summary.getByTestId("summary-model-calls")).toHaveText(number(totals.calls));
    await expect(summary.getByTestId("summary-tokens")).toHaveText(`${number(totals.prompt)} / ${number(totals.answer)}`);

    await page.setViewportSize({ width: 1280, height: 900 });
    await capture(page, "runs-summary-1280");
    await page.setViewportSize({ width: 820, height: 1100 });
    await capture(page, "runs-summary-820");
  });

  test("a running run can be cancelled; it stops early, and the screen says what it kept", async ({ page, sql }) => {
    // It runs the run again to its end as well.
    test.setTimeout(120_000);
    // Long enough (69 batches of 10) to be cancelled midway.
    const size = 690;
    const since = new Date(Date.now() - 1000);
    await startRun(page, { limit: size });
    await expect(page.getByTestId("run-start-result")).toContainText(`Run started over ${size} customers`);
    const runId = await findRun(sql, { total: size, since });
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await row.getByRole("button", { name: /^Cancel the run/ }).click();
    await expect(page.getByTestId("runs-message")).toContainText(/Cancellation requested|already ended/);
    await expect(row).toHaveAttribute("data-status", /cancelled|completed/, { timeout: 30_000 });
    const run = (await sql.query(`SELECT status, processed, total FROM "Run" WHERE id = $1`, [runId])).rows[0];
    expect(run.status).toBe("cancelled");
    expect(run.processed).toBeLessThan(run.total);
    const decided = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Recommendation" WHERE "runId" = $1`, [runId])).rows[0]!.n;
    expect(decided).toBe(run.processed);
    await expect(row).toContainText("Cancelled");
    await expect(row.getByTestId("run-processed")).toContainText(`${run.processed} / ${run.total}`);
    // Cancelled while deciding, the run took no capacity; the summary says so.
    await row.getByTestId("run-toggle-summary").click();
    await expect(page.getByTestId("run-cancelled-note")).toContainText(run.processed === 0 ? "no capacity was held and no recommendation written" : "their recommendations and holds were kept");
    await capture(page, "runs-cancelled-1280");

    // Run again: a new run over the same selection and policy, at the top of the list; once per button.
    const againSince = new Date(Date.now() - 1000);
    await row.getByRole("button", { name: /^Run again the run started/ }).click();
    await expect(page.getByTestId("runs-message")).toHaveText(`Started again: a new run over the same selection, ${size} customers, at the top of the list.`);
    await expect(row.getByTestId("run-again")).toHaveCount(0);
    await expect(row).toContainText("Started again");
    const againId = await findRun(sql, { total: size, since: againSince });
    expect(againId).not.toBe(runId);
    const again = page.locator(`[data-testid="run-row"][data-run-id="${againId}"]`);
    await expect(page.getByTestId("run-row").first()).toHaveAttribute("data-run-id", againId);
    await expect(again).toContainText(`at most ${size}`);
    const audit = (await sql.query(`SELECT after->>'againOf' AS "againOf" FROM "AuditLog" WHERE "entityId" = $1 AND action = 'run.start'`, [againId])).rows;
    expect(audit).toEqual([{ againOf: runId }]);
    await capture(page, "runs-run-again-1280");
    // It runs to the end like any other (the next tests expect no run in progress).
    await expect(again).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  });

  test("the screen says which workers take jobs, and warns when none does", async ({ page, sql }) => {
    await page.goto("/runs");
    const workers = page.getByTestId("runs-workers");
    // The one worker process the app was started with, as its heartbeat says.
    const { rows: live } = await sql.query<{ host: string; pid: number; concurrency: number }>(
      `SELECT host, pid, concurrency FROM "WorkerHeartbeat" WHERE ${IS_LIVE_WORKER_SQL}`,
    );
    expect(live).toHaveLength(1);
    await expect(workers).toHaveAttribute("data-live-workers", "1");
    await workers.getByText("1 worker taking jobs").click();
    // The tests' app has no language model, nor its worker.
    await expect(page.getByTestId("runs-worker-list")).toContainText(`${live[0]!.host}, process ${live[0]!.pid}: ${live[0]!.concurrency} chunks at a time, deterministic runs only, running since`);
    await expect(workers).toHaveAttribute("data-model-workers", "0");
    await page.setViewportSize({ width: 1280, height: 900 });
    await capture(page, "runs-workers-1280");
    // A language-model run in progress with no worker that has the model: the screen says it waits, and why.
    await page.route("**/api/runs?**", async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...(await response.json()), hasActive: true, hasActiveModelRun: true } });
    });
    await expect(page.getByTestId("runs-no-model-worker")).toContainText("No worker has the language model, so the language-model runs in progress wait until one starts with OPENAI_API_KEY set", { timeout: 15_000 });
    await capture(page, "runs-no-model-worker-1280");
    await page.unroute("**/api/runs?**");
    // Every worker gone silent: the list's next refresh says so, and what to do.
    await page.route("**/api/runs?**", async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...(await response.json()), workers: [] } });
    });
    await expect(workers).toHaveAttribute("data-live-workers", "0", { timeout: 15_000 });
    await expect(workers).toContainText("No worker is taking jobs");
    await expect(workers).toContainText("npm run worker");
    await capture(page, "runs-no-worker-1280");
  });

  test("a run started elsewhere appears in the list without a reload, even while no run is active", async ({ page, sql }) => {
    await page.goto("/runs");
    await expect(page.getByTestId("runs-table")).toBeVisible();
    await page.evaluate(() => document.documentElement.setAttribute("data-e2e-same-document", "yes"));
    // As the command line would: a finished run, dated ahead so it heads the first page.
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO "Run" (id, status, policy, scope, total, processed, "createdAt", "startedAt", "finishedAt")
       VALUES (gen_random_uuid(), 'completed', 'rules', '{"segment":"e2e-elsewhere"}', 2, 2, now() + interval '2 hours', now(), now()) RETURNING id`,
    );
    const runId = rows[0]!.id;
    try {
      const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
      // The idle refresh runs every five seconds; allow two of them.
      await expect(row).toContainText("Segment: e2e-elsewhere", { timeout: 12_000 });
      await expect(page.locator("html")).toHaveAttribute("data-e2e-same-document", "yes");
    } finally {
      await sql.query(`DELETE FROM "Run" WHERE id = $1`, [runId]);
    }
  });

  test("cancelling a run that already ended is refused clearly", async ({ page, sql }) => {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO "Run" (id, status, policy, scope, total, processed, "createdAt", "finishedAt") VALUES (gen_random_uuid(), 'running', 'rules', '{"segment":"e2e-ended"}', 3, 1, now() + interval '1 hour', NULL) RETURNING id`,
    );
    const runId = rows[0]!.id;
    try {
      await page.goto("/runs");
      const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
      await expect(row).toContainText("Segment: e2e-ended");
      // Hold the list still (no refresh answers) so the button stays as drawn.
      await page.route("**/api/runs**", () => {});
      // The run ends after the page was drawn, before the click.
      await sql.query(`UPDATE "Run" SET status = 'completed', "finishedAt" = now() WHERE id = $1`, [runId]);
      await row.getByRole("button", { name: /^Cancel the run/ }).click();
      await expect(page.getByTestId("runs-message")).toHaveText("This run already ended (completed); there is nothing to cancel.");
      expect((await sql.query(`SELECT "cancelRequested" FROM "Run" WHERE id = $1`, [runId])).rows[0].cancelRequested).toBe(false);
    } finally {
      await sql.query(`DELETE FROM "Run" WHERE id = $1`, [runId]);
    }
  });

  // Last in this file, so its worker is never counted by the workers test above (one file's tests run in order).
  test("npm start killed with SIGKILL leaves neither its web server nor its worker running", async ({ sql }) => {
    test.setTimeout(120_000);
    // It must serve the build the tests serve: a build of its own would replace theirs under them.
    expect(needsBuild(), "the app's build is current").toBe(false);
    const port = 3119;
    const start = spawn(process.execPath, ["--import", "tsx", path.resolve("lib/cli/start.ts")], {
      env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, PORT: String(port), WORKERS: "1", CONTROL_GROUP_SHARE: "0" },
    });
    let output = "";
    start.stdout.on("data", (b: Buffer) => (output += b.toString()));
    start.stderr.on("data", (b: Buffer) => (output += b.toString()));
    /** The processes `npm start` started, from /proc. */
    const childrenOf = (pid: number) =>
      readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d))
        .filter((d) => {
          try {
            return Number(readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1]!.split(" ")[1]) === pid;
          } catch {
            return false;
          }
        })
        .map(Number);
    const isListening = (p: number) =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect({ port: p, host: "127.0.0.1" }, () => (socket.destroy(), resolve(true)));
        socket.once("error", () => resolve(false));
      });
    let children: number[] = [];
    try {
      await expect.poll(() => output, { timeout: 90_000 }).toMatch(/\[start\] Ready in/);
      // Its web server (Next.js names its process "next-server (v…)") and its worker; a cold start
      // also has the TypeScript compiler's service among its children.
      const commandOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      const started = childrenOf(start.pid!).map((pid) => ({ pid, command: commandOf(pid) }));
      const web = started.filter((c) => /^next-server|next start/.test(c.command));
      const worker = started.filter((c) => c.command.includes("lib/cli/worker.ts"));
      expect([web.length, worker.length], `${output}\n${started.map((c) => c.command).join("\n")}`).toEqual([1, 1]);
      children = [web[0]!.pid, worker[0]!.pid];
      // The worker beats once it has compiled and reached the database.
      await expect.poll(async () => (await sql.query(`SELECT 1 FROM "WorkerHeartbeat" WHERE pid = ANY($1::int[])`, [children])).rowCount, { timeout: 60_000 }).toBe(1);
      start.kill("SIGKILL");
      await expect.poll(() => children.filter(isProcessAlive), { timeout: 20_000 }).toEqual([]);
      expect(await isListening(port)).toBe(false);
      // Stopped as with SIGTERM, the worker removed its heartbeat: nothing counts it alive.
      expect((await sql.query(`SELECT 1 FROM "WorkerHeartbeat" WHERE pid = ANY($1::int[])`, [children])).rowCount).toBe(0);
      expect(output).toContain(`The process that started this one (${start.pid}) is gone: stopping.`);
    } finally {
      if (start.exitCode === null && start.signalCode === null) start.kill("SIGKILL");
      for (const pid of children) if (isProcessAlive(pid)) process.kill(pid, "SIGKILL");
    }
  });
});
