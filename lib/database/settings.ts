// How long processes wait out a database outage. Only zod here: lib/env.ts, which every part of
// the app imports, reads this shape.
import { z } from "zod";

export type Backoff = {
  /** Wait after the first failure, in milliseconds. */
  initialMs?: number;
  /** Each wait is this many times the one before. */
  factor?: number;
  /** No wait is longer, in milliseconds. */
  maxMs?: number;
};

/** 6 tries over about a minute: waits of 2, 4, 8, 16 and 30 s. */
export const DEFAULT_DATABASE_ATTEMPTS = 6;
export const DEFAULT_BACKOFF: Required<Backoff> = { initialMs: 2_000, factor: 2, maxMs: 30_000 };

const whole = (name: string, min: number, fallback: number) =>
  z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number(`${name} must be a whole number`).int(`${name} must be a whole number`).min(min, `${name} must be at least ${min}`).default(fallback));

export const databaseRetryShape = {
  /** Tries before a command or worker gives up on an unreachable database, the first included. */
  DATABASE_RETRY_ATTEMPTS: whole("DATABASE_RETRY_ATTEMPTS", 1, DEFAULT_DATABASE_ATTEMPTS),
  /** The wait after the first failure, in milliseconds; each later wait doubles, up to 30 s. */
  DATABASE_RETRY_FIRST_WAIT_MS: whole("DATABASE_RETRY_FIRST_WAIT_MS", 0, DEFAULT_BACKOFF.initialMs),
};

export type DatabaseRetrySettings = { [K in keyof typeof databaseRetryShape]: z.output<(typeof databaseRetryShape)[K]> };
