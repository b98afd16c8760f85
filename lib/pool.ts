import "server-only";
import pg from "pg";
import { guardDatabaseClients, guardPool } from "./database/outage";
import { getEnv } from "./env";

// One node-postgres pool per server process: the pipeline and capacity writes query it directly,
// and the Prisma client in db.ts queries through it. Cached on globalThis for development reloads.
/** Connections of the process's pool: the screens and a run started here share them. */
export const APP_POOL_MAX = 20;

const globalForPool = globalThis as unknown as { cvmPool?: pg.Pool };

export function getPool(): pg.Pool {
  if (globalForPool.cvmPool) return globalForPool.cvmPool;
  const url = getEnv().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides the database.");
  // A connection the server cut (a restart, a dropped network) fails the query using it and is
  // replaced on the next; without listeners its error would end the whole server process. Clients
  // checked out for a transaction, and any a library opens, are covered as well as idle ones.
  guardDatabaseClients();
  const pool = guardPool(new pg.Pool({ connectionString: url, max: APP_POOL_MAX }));
  globalForPool.cvmPool = pool;
  return pool;
}
