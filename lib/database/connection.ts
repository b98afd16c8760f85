import path from "node:path";
import pg from "pg";
import { DEFAULT_CAPACITY_CUSTOMERS, installDefaultCatalog } from "../catalog/defaults";
import { ensureDatabaseExists, startLocalPostgres } from "./embedded";
import { applyMigrations } from "./migrate";
import { guardDatabaseClients } from "./outage";
import { dataDir } from "./paths";

export type DatabaseHandle = {
  url: string;
  /** Whether the database is the local one this project runs itself. */
  isLocal: boolean;
  /** Stops the local server if this process started it; otherwise does nothing. */
  release: () => Promise<void>;
};

const LOCAL_DATABASE = "cvm";

type OpenOptions = { log?: (m: string) => void; env?: NodeJS.ProcessEnv };

/** Reaches the database without migrating it: DATABASE_URL, or the local server under .data/. */
export async function connectDatabase(opts: OpenOptions = {}): Promise<DatabaseHandle> {
  // Every process that reaches the database comes through here: none is ended by a lost connection.
  guardDatabaseClients();
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, isLocal: false, release: async () => {} };
  const server = await startLocalPostgres({ dir: path.join(dataDir, "pg") });
  log(server.isOwner ? `Started local PostgreSQL on port ${server.port}` : `Using local PostgreSQL already running on port ${server.port}`);
  await ensureDatabaseExists(server.urlFor("postgres"), LOCAL_DATABASE);
  return { url: server.urlFor(LOCAL_DATABASE), isLocal: true, release: server.stop };
}

/**
 * The one way every command reaches the database: DATABASE_URL when set, otherwise the
 * project's own PostgreSQL under .data/ (started if needed). Migrations are applied first, then
 * a database without a treatment catalog gets the default one.
 */
export async function openDatabase(opts: OpenOptions = {}): Promise<DatabaseHandle> {
  const log = opts.log ?? (() => {});
  const handle = await connectDatabase(opts);
  const applied = await applyMigrations(handle.url);
  if (applied.length > 0) log(`Applied migrations: ${applied.join(", ")}`);
  // The catalog and capacities are configuration: without them every decision would fail.
  const client = new pg.Client({ connectionString: handle.url });
  await client.connect();
  try {
    if (await installDefaultCatalog(client)) {
      log(`Installed the default treatment catalog, with capacity limits for ${DEFAULT_CAPACITY_CUSTOMERS.toLocaleString("en-GB")} customers (edit them on the Treatments and Constraints screens).`);
    }
  } finally {
    await client.end();
  }
  return handle;
}
