// `npm run import` on a large file, run as a person would (a child process with the npm script's
// node flags) against a real PostgreSQL: its memory must not grow with the file.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase } from "../database/testing";
import type { TestDatabase } from "../database/testing";
import { importCustomersFile } from "./index";
import { writeTelcoCsvFile } from "./testing/big-file";
import { runImportCommand } from "./testing/run-import";
import { scratchDir, telcoCsv, telcoRow } from "./testing/telco-rows";

/** What the import may use at most, whatever the file's size. */
const PEAK_RSS_LIMIT_MB = 200;

describe("importing a 50 MB file whose last row is bad", () => {
  let db: TestDatabase;
  let dir: Awaited<ReturnType<typeof scratchDir>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await scratchDir();
    const seeded = await importCustomersFile({ url: db.url, filePath: await dir.write("existing.csv", telcoCsv([telcoRow("M-00000001"), telcoRow("EXISTING-1")])) });
    if (!seeded.ok) throw new Error(JSON.stringify(seeded));
  });
  afterAll(async () => {
    await db.drop();
    await dir.cleanup();
  });

  const snapshot = async () => ({
    customers: await db.prisma.customer.findMany({ orderBy: { id: "asc" }, select: { id: true, tenureMonths: true, updatedAt: true, importBatchId: true } }),
    batches: await db.prisma.importBatch.count(),
  });

  test(`is refused naming the line, changes nothing, and peaks under ${PEAK_RSS_LIMIT_MB} MB of memory`, async () => {
    const before = await snapshot();
    const file = await dir.write("big.csv", "");
    const { rows, lastLine } = await writeTelcoCsvFile({ path: file, bytes: 50_000_000, badLastRow: true });

    const run = await runImportCommand({ args: [file], databaseUrl: db.url });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`Refused: 1 of ${rows.toLocaleString("en-GB")} rows cannot be read. Nothing was changed.`);
    expect(run.stderr).toContain(`line ${lastLine}: tenure "soon" is not a whole number of months`);
    expect(run.peakRssMb).toBeLessThan(PEAK_RSS_LIMIT_MB);
    expect(await snapshot()).toEqual(before);
  }, 180_000);
});
