// Whether any worker is alive to take a queued run. pg-boss 10 keeps no list of its workers, so each
// worker keeps a row of its own in "WorkerHeartbeat": written when it starts, its time renewed every
// few seconds, removed when it stops. A worker killed outright leaves its row, which goes stale and
// stops counting once a few beats have been missed.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type pg from "pg";
import { repeatEvery } from "./repeat";

/**
 * The table of the workers' beats: the processes alive now, written every few seconds whatever
 * anyone does, so neither demo data a reseed clears nor data an action may be said to have changed.
 */
export const WORKER_HEARTBEAT_TABLE = "WorkerHeartbeat";

/** Seconds between two beats of a worker. */
export const HEARTBEAT_SECONDS = 5;
/** A worker counts as alive for this long after its last beat: three beats missed, and a slow one allowed. */
export const WORKER_LIVE_SECONDS = 20;
/** Rows of workers silent this long (killed outright, their machine gone) are removed when a worker starts. */
export const FORGET_SILENT_WORKERS_AFTER = "1 day";

/** The database's clock in UTC, as the app stores every time (timestamp columns without a zone). */
const UTC_NOW = `(now() AT TIME ZONE 'UTC')`;

export type Heartbeat = { id: string; stop(): Promise<void> };

/**
 * Starts this worker's beats on `pool`. A beat the database refuses (an outage) is skipped: the
 * worker says so through its own retries, and its next beat renews the row. `stop()` ends the beats
 * and removes the row, so a worker stopped on purpose stops counting at once.
 */
export function startHeartbeat(pool: Pick<pg.Pool, "query">, opts: { concurrency: number; hasModel?: boolean; intervalMs?: number }): Heartbeat {
  const host = hostname();
  const id = `${host}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const quietly = (sql: string, values: unknown[]) =>
    pool.query(sql, values).then(
      () => undefined,
      () => undefined,
    );
  const beat = () =>
    quietly(
      `INSERT INTO "WorkerHeartbeat" (id, host, pid, concurrency, "hasModel", "startedAt", "lastSeenAt") VALUES ($1, $2, $3, $4, $5, ${UTC_NOW}, ${UTC_NOW})
       ON CONFLICT (id) DO UPDATE SET "lastSeenAt" = ${UTC_NOW}`,
      [id, host, process.pid, opts.concurrency, opts.hasModel ?? false],
    );
  // A worker killed outright never removes its row: the next one to start does, a day on, so the table stays small.
  const first = quietly(`DELETE FROM "WorkerHeartbeat" WHERE "lastSeenAt" < ${UTC_NOW} - $1::interval`, [FORGET_SILENT_WORKERS_AFTER]).then(beat);
  const beats = repeatEvery(opts.intervalMs ?? HEARTBEAT_SECONDS * 1000, () => first.then(beat));
  return {
    id,
    async stop() {
      await beats.stop();
      await first;
      await pool.query(`DELETE FROM "WorkerHeartbeat" WHERE id = $1`, [id]).catch(() => undefined);
    },
  };
}

/** Whether a "WorkerHeartbeat" row is of a worker alive now: seen in the last WORKER_LIVE_SECONDS, by the database's clock (every beat uses it too). */
export const IS_LIVE_WORKER_SQL = `"lastSeenAt" > ${UTC_NOW} - make_interval(secs => ${WORKER_LIVE_SECONDS})`;

/** How many workers are alive now to take a queued run's jobs. */
export async function countLiveWorkers(db: Pick<pg.Pool, "query">): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "WorkerHeartbeat" WHERE ${IS_LIVE_WORKER_SQL}`);
  return rows[0]?.n ?? 0;
}
