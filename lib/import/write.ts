// Writing an import: one transaction from the first row read to the last customer written, so a
// refused file or any error leaves nothing behind, the batch record included. Customers are
// staged as they are checked (COPY into a temporary table, streamed, so memory stays flat);
// repeated customerIDs are found there; only then are customers upserted, in chunks. A customer
// already present is updated in place (never deleted and re-inserted), so its journey,
// permissions, recommendations and allocations stay attached.
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { copyField } from "../database/copy";
import { notesFor } from "./report";
import type { ImportFacts, ImportSummary } from "./report";
import type { ImportFormat } from "./source";
import type { CustomerRecord } from "./telco";

/** Customers per upsert statement: progress is reported after each. */
export const UPSERT_CHUNK_SIZE = 10_000;

/** Serialises imports against each other, so two overlapping files cannot deadlock. */
const IMPORT_LOCK_KEY = 0x1c0_1e47;

/** How many customers with a blank TotalCharges the batch record names (the count covers all). */
const NAMED_BLANK_TOTALS = 100;

/** Staged rows are sent to the server in pieces of this many bytes. */
const COPY_PIECE_BYTES = 256 * 1024;

const STAGING_COLUMNS = `place, id, name, segment, plan, "contractType", "tenureMonths", "monthlyRevenue", "totalRevenue",
  "valueTier", region, language, churned, attributes`;

const UPSERT_SQL = `
WITH rows AS (
  SELECT * FROM import_rows WHERE place > $2 ORDER BY place LIMIT $3
), upserted AS (
  INSERT INTO "Customer" AS c (id, name, segment, plan, "contractType", "tenureMonths", "monthlyRevenue",
    "totalRevenue", "valueTier", region, language, source, "importBatchId", attributes, churned, "updatedAt")
  SELECT id, name, segment, plan, "contractType", "tenureMonths", "monthlyRevenue", "totalRevenue",
    "valueTier"::"ValueTier", region, language, 'import', $1::uuid, attributes::jsonb, churned, now()
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
SELECT count(*) FILTER (WHERE "isInserted")::int AS inserted, count(*) FILTER (WHERE NOT "isInserted")::int AS updated,
  (SELECT max(place) FROM rows) AS last
FROM upserted`;

/** Later rows of a customerID that an earlier row of the file already has. */
const REPEATS_SQL = `
SELECT place, id, first FROM (SELECT place, id, min(place) OVER (PARTITION BY id) AS first FROM import_rows) r WHERE place > first`;

/** A customer that appears again later in the file: `place` repeats `first`. */
export type Repeat = { place: number; id: string; first: number };

/** What the batch record keeps of the rows left out under `isSkipInvalid`. */
export type SkippedRows = { first: { where: string; reason: string }[]; total: number };

export type ImportTransaction = {
  /** Adds a checked customer found at `place` (line or record number); waits when the server is behind. */
  stage: (customer: CustomerRecord, place: number) => void | Promise<void>;
  /** Ends staging; returns the first `cap` repeats in file order and how many there are. */
  findRepeats: (cap: number) => Promise<{ first: Repeat[]; total: number }>;
  /** Leaves repeated customerIDs out, keeping each one's first row. */
  dropRepeats: () => Promise<void>;
  /** What committing would do: staged customers that are new, and those already here. */
  countChanges: () => Promise<{ inserted: number; updated: number }>;
  /** Records the batch, upserts the staged customers, stores the report and commits. */
  commit: (opts: {
    fileName: string;
    fileSha256: string;
    format: ImportFormat;
    rowsRead: number;
    skipped: SkippedRows;
    chunkSize?: number;
    log?: (m: string) => void;
    /** The notes on what was derived or defaulted; the Telco layout's by default. */
    notes?: (facts: ImportFacts) => string[];
    /** Customers written so far, after each chunk. */
    onWritten?: (written: number, total: number) => void;
    /** Runs inside the transaction once everything is written (the Import screen audits there). */
    beforeCommit?: (client: pg.ClientBase, written: WrittenImport) => Promise<void>;
  }) => Promise<WrittenImport>;
  /** Undoes everything; safe to call at any point, and again. */
  rollback: () => Promise<void>;
};

export type WrittenImport = Pick<ImportSummary, "batchId" | "inserted" | "updated" | "facts" | "notes" | "previousImportAt">;

const count = (n: number) => n.toLocaleString("en-GB");

/**
 * Opens the import's transaction on `url`, holding the import lock, with an empty staging table.
 * Every path must end in `commit` or `rollback`, which also closes the connection.
 */
export async function beginImport(url: string): Promise<ImportTransaction> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let isClosed = false;
  const close = async () => {
    if (isClosed) return;
    isClosed = true;
    await client.end();
  };
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [IMPORT_LOCK_KEY]);
    await client.query(`CREATE TEMP TABLE import_rows (
      place integer NOT NULL, id text NOT NULL, name text NOT NULL, segment text NOT NULL, plan text NOT NULL,
      "contractType" text NOT NULL, "tenureMonths" integer NOT NULL, "monthlyRevenue" numeric NOT NULL,
      "totalRevenue" numeric, "valueTier" text NOT NULL, region text NOT NULL, language text NOT NULL,
      churned boolean, attributes json NOT NULL) ON COMMIT DROP`);
  } catch (err) {
    await close();
    throw err;
  }

  const copy = client.query(copyFrom(`COPY import_rows (${STAGING_COLUMNS}) FROM STDIN`));
  let copyError: Error | null = null;
  // Kept for the next call to see: an error between writes must not go unheard.
  copy.on("error", (err: Error) => {
    copyError = err;
  });
  let isCopyDone = false;
  // Each row is encoded into the piece at once, so its text dies young instead of being kept (and
  // promoted to the old generation) until a long string of many rows is sent.
  let piece = Buffer.allocUnsafe(COPY_PIECE_BYTES);
  let used = 0;
  const send = (): boolean => {
    const isReady = copy.write(piece.subarray(0, used));
    piece = Buffer.allocUnsafe(COPY_PIECE_BYTES);
    used = 0;
    return isReady;
  };

  const endStaging = async () => {
    if (isCopyDone) return;
    isCopyDone = true;
    copy.end(piece.subarray(0, used));
    used = 0;
    await finished(copy);
    // Primary key and statistics after loading: cheaper than keeping them up on every row.
    await client.query("ALTER TABLE import_rows ADD PRIMARY KEY (place)");
    await client.query("ANALYZE import_rows");
  };

  const rollback = async () => {
    if (isClosed) return;
    try {
      if (!isCopyDone) {
        isCopyDone = true;
        // Aborting the COPY (CopyFail) frees the connection for the ROLLBACK.
        copy.destroy(new Error("import refused"));
        await finished(copy).catch(() => {});
      }
      // A connection already broken has nothing to roll back; the error that broke it is the one to report.
      await client.query("ROLLBACK").catch(() => {});
    } finally {
      await close();
    }
  };

  return {
    stage: (c, place) => {
      if (copyError) throw copyError;
      const row =
        `${place}\t${copyField(c.id)}\t${copyField(c.name)}\t${copyField(c.segment)}\t${copyField(c.plan)}\t${copyField(c.contractType)}\t${c.tenureMonths}\t` +
        `${c.monthlyRevenue}\t${copyField(c.totalRevenue)}\t${c.valueTier}\t${copyField(c.region)}\t${copyField(c.language)}\t` +
        `${copyField(c.churned)}\t${copyField(JSON.stringify(c.attributes))}\n`;
      let isReady = true;
      // UTF-8 takes at most 3 bytes per UTF-16 unit: send first unless the row surely fits.
      if (used > 0 && used + row.length * 3 > COPY_PIECE_BYTES) isReady = send();
      if (row.length * 3 > COPY_PIECE_BYTES) isReady = copy.write(row) && isReady;
      else used += piece.write(row, used);
      if (!isReady) return once(copy, "drain").then(() => undefined);
    },

    findRepeats: async (cap) => {
      await endStaging();
      const { rows } = await client.query<Repeat & { total: number }>(
        `SELECT place, id, first, count(*) OVER ()::int AS total FROM (${REPEATS_SQL}) r ORDER BY place LIMIT $1`,
        [cap],
      );
      return { first: rows.map(({ place, id, first }) => ({ place, id, first })), total: rows[0]?.total ?? 0 };
    },

    countChanges: async () => {
      await endStaging();
      const { rows } = await client.query<{ inserted: number; updated: number }>(
        `SELECT count(*) FILTER (WHERE c.id IS NULL)::int AS inserted, count(c.id)::int AS updated
         FROM import_rows r LEFT JOIN "Customer" c ON c.id = r.id`,
      );
      return rows[0] ?? { inserted: 0, updated: 0 };
    },

    dropRepeats: async () => {
      await client.query(`DELETE FROM import_rows WHERE place IN (SELECT place FROM (${REPEATS_SQL}) r)`);
    },

    commit: async (opts) => {
      const log = opts.log ?? (() => {});
      const chunkSize = opts.chunkSize ?? UPSERT_CHUNK_SIZE;
      try {
        await endStaging();
        const facts = await factsOfStaged(client);
        const notes = (opts.notes ?? notesFor)(facts);
        const total = facts.churned.yes + facts.churned.no + facts.churned.unknown;
        const previous = await client.query<{ createdAt: Date }>(
          `SELECT "createdAt" FROM "ImportBatch" WHERE "fileSha256" = $1 ORDER BY "createdAt" DESC LIMIT 1`,
          [opts.fileSha256],
        );
        const previousImportAt = previous.rows[0]?.createdAt.toISOString() ?? null;

        // The batch row comes first because customers point at it; its report is filled in at the end.
        const batchId = randomUUID();
        await client.query(
          `INSERT INTO "ImportBatch" (id, "fileName", "fileSha256", format, "rowsRead", "rowsImported", "rowsSkipped", report)
           VALUES ($1, $2, $3, $4, $5, $6, $7, '{}'::jsonb)`,
          [batchId, opts.fileName, opts.fileSha256, opts.format, opts.rowsRead, total, opts.skipped.total],
        );

        let inserted = 0;
        let updated = 0;
        let after = 0;
        let loggedAt = 0;
        for (;;) {
          const { rows } = await client.query<{ inserted: number; updated: number; last: number | null }>(UPSERT_SQL, [batchId, after, chunkSize]);
          const chunk = rows[0];
          if (!chunk || chunk.last === null) break;
          inserted += chunk.inserted;
          updated += chunk.updated;
          after = chunk.last;
          const done = inserted + updated;
          opts.onWritten?.(done, total);
          if (done === total || performance.now() - loggedAt > 2_000) {
            loggedAt = performance.now();
            log(`Wrote ${count(done)} of ${count(total)} customers`);
          }
        }

        const report = {
          inserted,
          updated,
          skipped: opts.skipped.first,
          skippedTotal: opts.skipped.total,
          blankTotalCharges: facts.blankTotalCharges,
          churned: facts.churned,
          segments: facts.segments,
          valueTiers: facts.valueTiers,
          notes,
          previousImportAt,
        };
        await client.query(`UPDATE "ImportBatch" SET report = $2::jsonb WHERE id = $1`, [batchId, JSON.stringify(report)]);
        const written = { batchId, inserted, updated, facts, notes, previousImportAt };
        await opts.beforeCommit?.(client, written);
        await client.query("COMMIT");
        await close();
        return written;
      } catch (err) {
        await rollback();
        throw err;
      }
    },

    rollback,
  };
}

/** Counts over the staged customers, which are exactly those about to be written. */
async function factsOfStaged(client: pg.Client): Promise<ImportFacts> {
  const { rows } = await client.query<{ segment: string; valueTier: string; churned: boolean | null; isBlankTotal: boolean; n: number }>(
    `SELECT segment, "valueTier", churned, "totalRevenue" IS NULL AS "isBlankTotal", count(*)::int AS n
     FROM import_rows GROUP BY 1, 2, 3, 4`,
  );
  const facts: ImportFacts = { blankTotalCharges: { count: 0, ids: [] }, churned: { yes: 0, no: 0, unknown: 0 }, segments: {}, valueTiers: {} };
  for (const r of rows) {
    if (r.isBlankTotal) facts.blankTotalCharges.count += r.n;
    if (r.churned === true) facts.churned.yes += r.n;
    else if (r.churned === false) facts.churned.no += r.n;
    else facts.churned.unknown += r.n;
    facts.segments[r.segment] = (facts.segments[r.segment] ?? 0) + r.n;
    facts.valueTiers[r.valueTier] = (facts.valueTiers[r.valueTier] ?? 0) + r.n;
  }
  if (facts.blankTotalCharges.count > 0) {
    const blank = await client.query<{ id: string }>(`SELECT id FROM import_rows WHERE "totalRevenue" IS NULL ORDER BY place LIMIT $1`, [NAMED_BLANK_TOTALS]);
    facts.blankTotalCharges.ids = blank.rows.map((r) => r.id);
  }
  return facts;
}
