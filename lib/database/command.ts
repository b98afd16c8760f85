// The database at a command's process edge (import, outcomes:import, seed): every connection
// guarded, an outage waited out with backoff, and the end of the wait said in one sentence with
// a non-zero exit instead of a stack trace.
import { type DatabaseHandle, openDatabase } from "./connection";
import { type DatabaseRetryOptions, databaseFailureMessage, guardDatabaseClients, withDatabaseRetry } from "./outage";
import { DEFAULT_BACKOFF, DEFAULT_DATABASE_ATTEMPTS, type DatabaseRetrySettings } from "./settings";

/** The retry options the settings call for; unset ones take their defaults. */
export function databaseRetryFrom(settings: Partial<DatabaseRetrySettings> & { DATABASE_URL?: string }): DatabaseRetryOptions {
  return {
    attempts: settings.DATABASE_RETRY_ATTEMPTS ?? DEFAULT_DATABASE_ATTEMPTS,
    backoff: { initialMs: settings.DATABASE_RETRY_FIRST_WAIT_MS ?? DEFAULT_BACKOFF.initialMs },
    url: settings.DATABASE_URL,
  };
}

export type CommandDatabaseOptions = {
  /** The command's log prefix, as in "[import]". */
  prefix: string;
  log: (message: string) => void;
  retry: DatabaseRetryOptions;
  /** What the command says was kept when it stops on a database failure. */
  whenStopped?: string;
  open?: (opts: { log: (m: string) => void }) => Promise<DatabaseHandle>;
};

/**
 * Opens the database and runs `work`, both again from the start after a connection-level error,
 * with the settings' backoff; `work` must be safe to repeat (one transaction that rolls back).
 * Resolves to the exit code: `work`'s, or 1 after printing the database failure in one sentence.
 * Other errors are thrown.
 */
export async function runWithDatabase(opts: CommandDatabaseOptions, work: (db: DatabaseHandle, attempt: number) => Promise<number>): Promise<number> {
  const { prefix, log } = opts;
  guardDatabaseClients((m) => console.error(`${prefix} ${m}`));
  const retry: DatabaseRetryOptions = {
    ...opts.retry,
    onRetry: ({ attempt, delayMs, error }) => {
      const reason = databaseFailureMessage(error, opts.retry.url) ?? String(error);
      log(`${reason} Trying again in ${(delayMs / 1000).toFixed(delayMs < 1000 ? 1 : 0)} s (attempt ${attempt + 1} of ${opts.retry.attempts ?? DEFAULT_DATABASE_ATTEMPTS}).`);
    },
  };
  const whenStopped = opts.whenStopped ?? "Nothing was changed.";
  const open = opts.open ?? openDatabase;
  let db: DatabaseHandle | null = null;
  try {
    db = await withDatabaseRetry(() => open({ log }), retry);
    const opened = db;
    return await withDatabaseRetry((attempt) => work(opened, attempt), { ...retry, url: retry.url ?? opened.url });
  } catch (err) {
    const message = databaseFailureMessage(err, retry.url ?? db?.url);
    if (message === null) throw err;
    console.error(`${prefix} ${message} ${whenStopped}`);
    return 1;
  } finally {
    await db?.release();
  }
}
