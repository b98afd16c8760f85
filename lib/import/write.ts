// Writing a checked import: one transaction that records the import batch and upserts the
// customers in chunks. A customer already present is updated in place (never deleted and
// re-inserted), so its journey, permissions, recommendations and allocations stay attached.
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { PreparedImport } from "./prepare";
import { factsOf, notesFor } from "./report";
import type { ImportSummary } from "./report";
import type { CustomerRecord } from "./telco";

/** Customers per upsert statement: large enough to be fast, small enough for one JSON parameter. */
export const UPSERT_CHUNK_SIZE = 2_000;

/** Serialises imports against each other, so two overlapping files cannot deadlock. */
const IMPORT_LOCK_KEY = 0x1c0_1e47;

/** How many problem rows the batch record keeps (the report prints fewer). */
const STORED_PROBLEMS_CAP = 1_000;

const UPSERT_SQL = `
WITH rows AS (
  SELECT * FROM json_to_recordset($1::json) AS r(
    id text, name text, segment text, plan text, "contractType" text, "tenureMonths" integer,
    "monthlyRevenue" numeric, "totalRevenue" numeric, "valueTier" text, region text, language text,
    attributes jsonb, churned boolean)
), upserted AS (
  INSERT INTO "Customer" AS c (id, name, segment, plan, "contractType", "tenureMonths", "monthlyRevenue",
    "totalRevenue", "valueTier", region, language, source, "importBatchId", attributes, churned, "updatedAt")
  SELECT id, name, segment, plan, "contractType", "tenureMonths", "monthlyRevenue", "totalRevenue",
    "valueTier"::"ValueTier", region, language, 'import', $2::uuid, attributes, churned, now()
  FROM rows
  ON CONFLICT (id) DO UPDATE SET
    name = EXCLUDED.name, segment = EXCLUDED.segment, plan = EXCLUDED.plan,
    "contractType" = EXCLUDED."contractType", "tenureMonths" = EXCLUDED."tenureMonths",
    "monthlyRevenue" = EXCLUDED."monthlyRevenue", "totalRevenue" = EXCLUDED."totalRevenue",
    "valueTier" = EXCLUDED."valueTier", region = EXCLUDED.region, language = EXCLUDED.language,
    source = EXCLUDED.source, "importBatchId" = EXCLUDED."importBatchId",
    attributes = EXCLUDED.attributes, churned = EXCLUDED.churned, "updatedAt" = EXCLUDED."updatedAt"
  -- xmax is 0 only on a row this statement inserted; an updated row carries our transaction id.
  RETURNING (xmax = 0) AS "isInserted"
)
SELECT count(*) FILTER (WHERE "isInserted")::int AS inserted, count(*) FILTER (WHERE NOT "isInserted")::int AS updated
FROM upserted`;

/**
 * Writes `prepared` into the database at `url` in one transaction: all of it, or (on any error)
 * none of it. Returns what was inserted and updated, with the notes stored on the batch.
 */
export async function writeImport(opts: {
  url: string;
  prepared: PreparedImport;
  log?: (m: string) => void;
  chunkSize?: number;
}): Promise<ImportSummary> {
  const { prepared } = opts;
  const log = opts.log ?? (() => {});
  const chunkSize = opts.chunkSize ?? UPSERT_CHUNK_SIZE;
  const started = performance.now();
  const facts = factsOf(prepared.customers);
  const notes = notesFor(facts);
  const batchId = randomUUID();

  const client = new pg.Client({ connectionString: opts.url });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [IMPORT_LOCK_KEY]);
    const previous = await client.query<{ createdAt: Date }>(
      `SELECT "createdAt" FROM "ImportBatch" WHERE "fileSha256" = $1 ORDER BY "createdAt" DESC LIMIT 1`,
      [prepared.fileSha256],
    );
    const previousImportAt = previous.rows[0]?.createdAt.toISOString() ?? null;

    // The batch row comes first because customers point at it; its report is filled in at the end.
    await client.query(
      `INSERT INTO "ImportBatch" (id, "fileName", "fileSha256", format, "rowsRead", "rowsImported", "rowsSkipped", report)
       VALUES ($1, $2, $3, $4, $5, $6, $7, '{}'::jsonb)`,
      [batchId, prepared.fileName, prepared.fileSha256, prepared.format, prepared.rowsRead, prepared.customers.length, prepared.skipped.length],
    );

    let inserted = 0;
    let updated = 0;
    for (let start = 0; start < prepared.customers.length; start += chunkSize) {
      const chunk = prepared.customers.slice(start, start + chunkSize);
      const result = await client.query<{ inserted: number; updated: number }>(UPSERT_SQL, [JSON.stringify(chunk.map(toRow)), batchId]);
      inserted += result.rows[0]?.inserted ?? 0;
      updated += result.rows[0]?.updated ?? 0;
      log(`Wrote ${Math.min(start + chunkSize, prepared.customers.length).toLocaleString("en-GB")} of ${prepared.customers.length.toLocaleString("en-GB")} customers`);
    }

    const report = {
      inserted,
      updated,
      skipped: prepared.skipped.slice(0, STORED_PROBLEMS_CAP),
      skippedTotal: prepared.skipped.length,
      blankTotalCharges: facts.blankTotalCharges,
      churned: facts.churned,
      segments: facts.segments,
      valueTiers: facts.valueTiers,
      notes,
      previousImportAt,
    };
    await client.query(`UPDATE "ImportBatch" SET report = $2::jsonb WHERE id = $1`, [batchId, JSON.stringify(report)]);
    await client.query("COMMIT");

    return {
      batchId,
      fileName: prepared.fileName,
      format: prepared.format,
      rowsRead: prepared.rowsRead,
      inserted,
      updated,
      skipped: prepared.skipped,
      facts,
      notes,
      previousImportAt,
      durationMs: performance.now() - started,
    };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

function toRow(c: CustomerRecord) {
  return {
    id: c.id,
    name: c.name,
    segment: c.segment,
    plan: c.plan,
    contractType: c.contractType,
    tenureMonths: c.tenureMonths,
    monthlyRevenue: c.monthlyRevenue,
    totalRevenue: c.totalRevenue,
    valueTier: c.valueTier,
    region: c.region,
    language: c.language,
    attributes: c.attributes,
    churned: c.churned,
  };
}
