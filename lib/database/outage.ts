// Surviving a database outage (a restart, a failover, a dropped network): connection-level errors
// are told apart from query errors, work that may be repeated is retried with backoff, and a
// connection that fails while nobody is using it is logged instead of ending the process.
import pg from "pg";
import { type Backoff, DEFAULT_BACKOFF, DEFAULT_DATABASE_ATTEMPTS } from "./settings";

/** SQLSTATEs of a connection that failed or a server that is (re)starting, not of a bad query. */
const CONNECTION_SQLSTATES = new Set([
  "08000", // connection_exception
  "08001", // sqlclient_unable_to_establish_sqlconnection
  "08003", // connection_does_not_exist
  "08004", // sqlserver_rejected_establishment_of_sqlconnection
  "08006", // connection_failure
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down, in recovery)
]);

/** Socket errors of a server that is not there, or went away. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/** Prisma's codes for a server it cannot reach or that closed the connection. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017"]);

/** node-postgres says these in words only. */
const CONNECTION_MESSAGES = [
  /Connection terminated/i,
  /connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /timeout exceeded when trying to connect/i,
  /the database system is (starting up|shutting down|in recovery)/i,
  /terminating connection due to administrator command/i,
  /server closed the connection unexpectedly/i,
];

type Coded = { code?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown; errors?: unknown; meta?: { driverAdapterError?: unknown } };

/**
 * Whether `err` says the database could not be reached or dropped the connection (so the same
 * work may succeed later), rather than that the work itself was wrong. Looks through `cause`, an
 * AggregateError's errors (a host with two addresses) and Prisma's wrapped driver error.
 */
export function isConnectionError(err: unknown, depth = 0): boolean {
  if (depth > 5 || typeof err !== "object" || err === null) return false;
  const e = err as Coded;
  for (const code of [e.code, e.originalCode]) {
    if (typeof code !== "string") continue;
    if (CONNECTION_SQLSTATES.has(code) || SOCKET_CODES.has(code) || PRISMA_CODES.has(code)) return true;
  }
  if (typeof e.message === "string" && CONNECTION_MESSAGES.some((pattern) => pattern.test(e.message as string))) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isConnectionError(inner, depth + 1))) return true;
  return isConnectionError(e.cause, depth + 1) || isConnectionError(e.meta?.driverAdapterError, depth + 1);
}

/** Host, port and database of `url`, without the user or password. */
export function describeDatabase(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    const database = parsed.pathname.replace(/^\//, "");
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ""}${database ? `/${database}` : ""}`;
  } catch {
    return null;
  }
}

/** The database did not answer within the retry limit; the message is one sentence for a person. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
  constructor(
    message: string,
    readonly attempts: number,
    readonly elapsedMs: number,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

export type DatabaseRetryOptions = {
  /** Tries in all, the first included; at least 1. */
  attempts?: number;
  backoff?: Backoff;
  /** The database's URL, named (without credentials) in the final message. */
  url?: string;
  /** Called before each wait, for a log line. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
};

export { type Backoff, DEFAULT_BACKOFF, DEFAULT_DATABASE_ATTEMPTS };

/** The waits between tries, in milliseconds: one fewer than `attempts`. */
export function backoffDelays(attempts: number, backoff: Backoff = {}): number[] {
  const { initialMs, factor, maxMs } = { ...DEFAULT_BACKOFF, ...backoff };
  return Array.from({ length: Math.max(0, attempts - 1) }, (_, i) => Math.min(maxMs, Math.round(initialMs * factor ** i)));
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split("\n")[0] ?? "").trim() || (err as Coded)?.code?.toString() || "no message";
}

/**
 * Runs `fn`, and runs it again from the start after a connection-level error (isConnectionError),
 * waiting with exponential backoff between tries; any other error is thrown at once. After the
 * last try it throws DatabaseUnavailableError ("The database at … did not answer after 6 attempts
 * over 60 s"). `fn` must be safe to repeat: a transaction that was rolled back, a read.
 */
export async function withDatabaseRetry<T>(fn: (attempt: number) => Promise<T>, opts: DatabaseRetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, Math.trunc(opts.attempts ?? DEFAULT_DATABASE_ATTEMPTS));
  const delays = backoffDelays(attempts, opts.backoff);
  const sleep = opts.sleep ?? wait;
  const now = opts.now ?? Date.now;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      const delayMs = delays[attempt - 1];
      if (delayMs === undefined) {
        const elapsedMs = now() - started;
        const where = describeDatabase(opts.url);
        const message = `The database${where ? ` at ${where}` : ""} did not answer after ${attempts} ${attempts === 1 ? "attempt" : "attempts"} over ${Math.round(elapsedMs / 1000)} s (last error: ${firstLine(err)}).`;
        throw new DatabaseUnavailableError(message, attempts, elapsedMs, err);
      }
      opts.onRetry?.({ attempt, delayMs, error: err });
      await sleep(delayMs);
    }
  }
}

/** What a command prints for a database failure: the retry's sentence, or the connection error in words; null for other errors. */
export function databaseFailureMessage(err: unknown, url?: string): string | null {
  if (err instanceof DatabaseUnavailableError) return err.message;
  if (!isConnectionError(err)) return null;
  const where = describeDatabase(url);
  return `The database${where ? ` at ${where}` : ""} is unavailable (${firstLine(err)}).`;
}

type Log = (message: string) => void;
const defaultLog: Log = (message) => console.error(message);

const GUARDED = Symbol.for("cvm.database.guarded");

/**
 * Listens for `error` on `pool`: a connection that fails while idle in the pool (the server
 * restarted) is dropped and replaced on the next query, instead of its error ending the process.
 */
export function guardPool<P extends pg.Pool>(pool: P, log: Log = defaultLog): P {
  const marked = pool as P & { [GUARDED]?: true };
  if (marked[GUARDED]) return pool;
  marked[GUARDED] = true;
  pool.on("error", (err) => log(`[database] An idle connection failed and will be replaced: ${firstLine(err)}`));
  return pool;
}

let isClientGuardInstalled = false;

/**
 * Gives every node-postgres client and pool this process makes (ours or a library's) somewhere
 * to send a failed connection. A client whose connection fails emits `error` even when a query of
 * it is waiting (which receives the same error), and a pool re-emits the error of an idle client;
 * with no listener Node ends the process. With the guard the query fails and its caller decides,
 * the client refuses further queries, and the pool replaces the connection. Call once at the
 * start of every process (openDatabase does); later calls do nothing.
 */
export function guardDatabaseClients(log: Log = defaultLog): void {
  if (isClientGuardInstalled) return;
  isClientGuardInstalled = true;
  const client = pg.Client.prototype as pg.Client & { [GUARDED]?: true };
  const connect = client.connect as (this: pg.Client, ...args: unknown[]) => unknown;
  client.connect = function guardedConnect(this: pg.Client & { [GUARDED]?: true }, ...args: unknown[]) {
    if (!this[GUARDED]) {
      this[GUARDED] = true;
      this.on("error", (err) => {
        // Pools and libraries that listen themselves report it their own way.
        if (this.listenerCount("error") === 1) log(`[database] A connection failed: ${firstLine(err)}`);
      });
    }
    return connect.apply(this, args);
  } as typeof client.connect;
  // A pool has no hook at creation, so its unheard `error` is caught where it is emitted.
  const pool = pg.Pool.prototype as pg.Pool;
  const emit = pool.emit as (this: pg.Pool, event: string | symbol, ...args: unknown[]) => boolean;
  pool.emit = function guardedEmit(this: pg.Pool, event: string | symbol, ...args: unknown[]) {
    if (event === "error" && this.listenerCount("error") === 0) {
      log(`[database] An idle connection failed and will be replaced: ${firstLine(args[0])}`);
      return true;
    }
    return emit.call(this, event, ...args);
  } as typeof pool.emit;
}
