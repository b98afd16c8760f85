import "server-only";
// CSV downloads of whole histories. Rows come from a PostgreSQL cursor a batch at a time and leave
// as CSV as fast as the browser reads them, so a million rows never sit in memory at once.
import { Readable, Transform, pipeline } from "node:stream";
import { stringify } from "csv-stringify";
import type pg from "pg";
import QueryStream from "pg-query-stream";

export type CsvCell = string | number | boolean | Date | null | undefined;

export type CsvColumn<Row> = { header: string; value: (row: Row) => CsvCell };

/** Rows fetched from the cursor per round trip: large enough to be quick, small enough to stay bounded. */
export const CURSOR_BATCH_ROWS = 1_000;

// A spreadsheet reads a cell starting with one of these as a formula (and tab or carriage return
// can hide one), so text from customers or users could run in the reader's spreadsheet.
const FORMULA_START = /^[=+\-@\t\r]/;

/** The text of one cell as written: text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** `prefix-YYYY-MM-DD.csv` for the day the file was made (UTC), as Content-Disposition wants it. */
export function csvFilename(prefix: string, now: Date = new Date()): string {
  return `${prefix}-${now.toISOString().slice(0, 10)}.csv`;
}

export function csvHeaders(filename: string): HeadersInit {
  return {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filename}"`,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  };
}

export type CsvQuery<Row> = {
  pool: pg.Pool;
  /** Parameterised SQL; its order is the file's order. */
  text: string;
  values: unknown[];
  columns: CsvColumn<Row>[];
  /** Called once with the rows written when the file ends completely (not when the reader goes away). */
  onComplete?: (rowCount: number) => Promise<void> | void;
};

/**
 * The query's rows as a CSV byte stream with a header line (UTF-8 with a byte-order mark, so
 * spreadsheets read £ and accents). Pulls from a cursor only as fast as the stream is read; a reader
 * that goes away ends the query and gives the connection back.
 */
export function streamCsv<Row>({ pool, text, values, columns, onComplete }: CsvQuery<Row>): ReadableStream<Uint8Array> {
  let rowCount = 0;
  const toRecord = new Transform({
    objectMode: true,
    transform(row: Row, _encoding, done) {
      rowCount += 1;
      done(null, columns.map((c) => csvCell(c.value(row))));
    },
  });
  const csv = stringify({ header: true, columns: columns.map((c) => c.header), bom: true });
  const source = Readable.from(
    (async function* () {
      const client = await pool.connect();
      let isRead = false;
      try {
        for await (const row of client.query(new QueryStream(text, values, { batchSize: CURSOR_BATCH_ROWS }))) yield row as Row;
        isRead = true;
      } finally {
        // A connection left mid-cursor (a failure, a reader gone) is not reusable: end it rather than give it back.
        client.release(isRead ? undefined : new Error("CSV export ended before its last row"));
      }
    })(),
    { objectMode: true, highWaterMark: CURSOR_BATCH_ROWS },
  );
  const piped = pipeline(source, toRecord, csv, (err: NodeJS.ErrnoException | null) => {
    if (err) {
      if (err.code !== "ERR_STREAM_PREMATURE_CLOSE") console.error("[export] CSV stream failed", err);
      return;
    }
    void Promise.resolve(onComplete?.(rowCount)).catch((e: unknown) => console.error("[export] recording the export failed", e));
  });
  return Readable.toWeb(piped) as ReadableStream<Uint8Array>;
}
