import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, test } from "vitest";
import { startLocalPostgres } from "../database/embedded";
import { usePoolPerTest } from "../database/testing";
import { isProcessAlive } from "../processes";

const parents: ChildProcess[] = [];
const orphans: number[] = [];
afterEach(() => {
  for (const p of parents.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  for (const pid of orphans.splice(0)) if (isProcessAlive(pid)) process.kill(pid, "SIGKILL");
});

/** Starts the orphaning parent in `mode`; resolves with it, the pid of the process it started, and all that both printed so far. */
async function startParent(mode: "worker" | "tied" | "untied" | "postgres", env: Record<string, string> = {}, args: string[] = []) {
  const parent = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "testing", "orphaning-parent.ts"), mode, ...args], { env: { ...process.env, ...env } });
  parents.push(parent);
  const output = { text: "" };
  parent.stdout.on("data", (b: Buffer) => (output.text += b.toString()));
  parent.stderr.on("data", (b: Buffer) => (output.text += b.toString()));
  await expect.poll(() => /child (\d+)/.test(output.text), { timeout: 30_000 }).toBe(true);
  const childPid = Number(/child (\d+)/.exec(output.text)![1]);
  orphans.push(childPid);
  return { parent, childPid, output };
}

describe("a started process stops once the command that started it is gone", () => {
  test.each([
    { mode: "tied" as const, isStopped: true },
    { mode: "untied" as const, isStopped: false },
  ])("$mode to its parent: stopped with SIGTERM after the parent's SIGKILL = $isStopped", { timeout: 90_000 }, async ({ mode, isStopped }) => {
    const { parent, childPid, output } = await startParent(mode);
    parent.kill("SIGKILL");
    if (isStopped) {
      await expect.poll(() => isProcessAlive(childPid), { timeout: 10_000 }).toBe(false);
      expect(output.text).toMatch(new RegExp(`\\[${childPid}\\] The process that started this one \\(${parent.pid}\\) is gone: stopping\\.`));
      expect(output.text).toContain("child stopped on SIGTERM");
    } else {
      // Three of the tied process's looks, and it still runs.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(isProcessAlive(childPid)).toBe(true);
    }
  });

  describe("a worker whose command was killed", () => {
    const t = usePoolPerTest();
    test("stops after its jobs as with SIGTERM: its heartbeat row goes with it", { timeout: 120_000 }, async () => {
      const { parent, childPid, output } = await startParent("worker", { DATABASE_URL: t.db.url });
      const beats = async () => (await t.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "WorkerHeartbeat" WHERE pid = $1`, [childPid])).rows[0]!.n;
      await expect.poll(beats, { timeout: 60_000 }).toBe(1);
      parent.kill("SIGKILL");
      await expect.poll(() => isProcessAlive(childPid), { timeout: 20_000 }).toBe(false);
      // Killed outright it would have left its row; stopped, it removed it.
      expect(await beats()).toBe(0);
      expect(output.text).toContain("is gone: stopping.");
      expect(output.text).toContain(`[worker ${childPid}] Stopped.`);
    });
  });

  test("the local database of a command killed with SIGKILL shuts down cleanly, and the next start finds its data", { timeout: 120_000 }, async () => {
    // A folder the server's own user can enter when the tests run as root.
    const folder = mkdtempSync(path.join(os.tmpdir(), "cvm-orphan-"));
    chmodSync(folder, 0o755);
    const dir = path.join(folder, "pg");
    try {
      const { parent, childPid } = await startParent("postgres", {}, [dir]);
      const joined = await startLocalPostgres({ dir });
      expect(joined.isOwner).toBe(false);
      const client = new pg.Client({ connectionString: joined.urlFor("postgres") });
      await client.connect();
      await client.query(`CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)`);
      await client.end();
      parent.kill("SIGKILL");
      await expect.poll(() => isProcessAlive(childPid), { timeout: 30_000 }).toBe(false);
      // A clean shutdown removes its pid file; a crash would leave it.
      expect(existsSync(path.join(joined.dataDir, "postmaster.pid"))).toBe(false);
      const next = await startLocalPostgres({ dir });
      try {
        expect(next.isOwner).toBe(true);
        const again = new pg.Client({ connectionString: next.urlFor("postgres") });
        await again.connect();
        expect((await again.query(`SELECT n FROM kept`)).rows).toEqual([{ n: 42 }]);
        await again.end();
      } finally {
        await next.stop();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
