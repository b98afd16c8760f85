import "server-only";
// Sign-in attempts per account and per address within a time window, so passwords cannot be
// guessed at speed. The counts live in PostgreSQL ("SignInAttempt"), so every server process sees
// the same ones and a restart forgets nothing. A window is fixed: it starts at a key's first
// attempt and does not stretch with later ones.
import { createHash } from "node:crypto";
import type pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";

export type AttemptLimiter = {
  /** Counts an attempt for every key; false when any key is already at its limit (nothing counted then). */
  hit(keys: string[]): Promise<boolean>;
  /** Forgets a key's attempts (after a successful sign-in). */
  clear(key: string): Promise<void>;
};

export type AttemptLimiterOptions = {
  pool: pg.Pool;
  /** Keeps this limiter's counts apart from others' in the shared table. */
  name: string;
  max: number;
  windowMs: number;
};

// Emails and addresses are stored hashed: a fixed length for the key column, and no personal data at rest.
const hashed = (key: string) => createHash("sha256").update(key).digest("base64url");

export function createAttemptLimiter(opts: AttemptLimiterOptions): AttemptLimiter {
  const limiter = new RateLimiterPostgres({
    storeClient: opts.pool,
    storeType: "pool",
    tableName: "SignInAttempt",
    // Our migration creates the table; the library would otherwise try to on start.
    tableCreated: true,
    keyPrefix: opts.name,
    points: opts.max,
    duration: opts.windowMs / 1000,
  });
  return {
    async hit(keys) {
      const ids = keys.map(hashed);
      // Read first so that a refused attempt counts nowhere (a blocked address does not use up the account's tries).
      const counts = await Promise.all(ids.map((id) => limiter.get(id)));
      if (counts.some((c) => (c?.consumedPoints ?? 0) >= opts.max)) return false;
      // The consume itself is atomic in the database: of two processes racing past the read, only one gets the last try.
      const results = await Promise.allSettled(ids.map((id) => limiter.consume(id)));
      let isAllowed = true;
      for (const r of results) {
        if (r.status === "fulfilled") continue;
        if (!(r.reason instanceof RateLimiterRes)) throw r.reason;
        isAllowed = false;
      }
      return isAllowed;
    },
    async clear(key) {
      await limiter.delete(hashed(key));
    },
  };
}
