// The benchmarks' own throw-away PostgreSQL, a folder each under .data/.
import path from "node:path";
import { type LocalPostgres, LocalDatabaseError, startOwnLocalPostgres } from "../database/embedded";
import { dataDir } from "../database/paths";

/**
 * Starts a benchmark's server in .data/<folder>. When another process uses it (the same benchmark
 * still running), says so in one sentence and exits 1 before touching its databases.
 */
export async function startBenchPostgres(folder: string, log: (m: string) => void): Promise<LocalPostgres> {
  try {
    return await startOwnLocalPostgres({ dir: path.join(dataDir, folder), isEphemeral: true });
  } catch (err) {
    if (!(err instanceof LocalDatabaseError)) throw err;
    log(err.message);
    process.exit(1);
  }
}
