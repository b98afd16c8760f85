// One transaction on one pooled connection: committed when `fn` returns, rolled back when it throws.
import type pg from "pg";

/** Runs `fn` inside BEGIN … COMMIT on a connection of `pool`; a throw rolls everything back and is rethrown. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const value = await fn(client);
    await client.query("COMMIT");
    return value;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
