// A throw-away PostgreSQL for the backtest: its own server on its own port and directory under
// .data/, removed when stopped, so nothing it does can touch the app's database.
import path from "node:path";
import pg from "pg";
import { ensureDatabaseExists, startLocalPostgres } from "../database/embedded";
import { applyMigrations } from "../database/migrate";
import { dataDir } from "../database/paths";

export type ScratchServer = {
  /** A migrated database named `name`. */
  create: (name: string) => Promise<string>;
  /** A copy of database `from` (which nobody may be connected to) named `name`. */
  copy: (from: string, name: string) => Promise<string>;
  stop: () => Promise<void>;
};

/** Starts an ephemeral server named after `name` (the directory .data/<name>-pg-<pid>). */
export async function startScratchServer(opts: { name: string; log?: (m: string) => void }): Promise<ScratchServer> {
  const server = await startLocalPostgres({ dir: path.join(dataDir, `${opts.name}-pg-${process.pid}`), isEphemeral: true, ...(opts.log ? { log: opts.log } : {}) });
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: server.urlFor("postgres") });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    create: async (name) => {
      await ensureDatabaseExists(server.urlFor("postgres"), name);
      await applyMigrations(server.urlFor(name));
      return server.urlFor(name);
    },
    copy: async (from, name) => {
      await admin(`CREATE DATABASE "${name}" TEMPLATE "${from}"`);
      return server.urlFor(name);
    },
    stop: server.stop,
  };
}

/** One migrated database on its own ephemeral server. */
export async function startScratchDatabase(opts: { name: string; log?: (m: string) => void }): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = await startScratchServer(opts);
  try {
    return { url: await server.create(opts.name), stop: server.stop };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
