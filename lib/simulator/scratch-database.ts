// A throw-away PostgreSQL for the backtest: its own server on its own port and directory under
// .data/, migrated, removed when stopped, so nothing it does can touch the app's database.
import path from "node:path";
import { ensureDatabaseExists, startLocalPostgres } from "../database/embedded";
import { applyMigrations } from "../database/migrate";
import { dataDir } from "../database/paths";

export type ScratchDatabase = { url: string; stop: () => Promise<void> };

/** Starts an ephemeral server with one migrated database named `name`. */
export async function startScratchDatabase(opts: { name: string; log?: (m: string) => void }): Promise<ScratchDatabase> {
  const server = await startLocalPostgres({ dir: path.join(dataDir, `${opts.name}-pg-${process.pid}`), isEphemeral: true, ...(opts.log ? { log: opts.log } : {}) });
  try {
    await ensureDatabaseExists(server.urlFor("postgres"), opts.name);
    const url = server.urlFor(opts.name);
    await applyMigrations(url);
    return { url, stop: server.stop };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
