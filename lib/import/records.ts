// Importing journey events and contact permissions with the customers' machinery: the file is
// read as it streams, each row checked and staged (COPY into a temporary table) inside one
// transaction, rows naming customers we do not have are refused, and only then is anything
// written. A refused file changes nothing; a dry run reports and rolls back.
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { copyRow } from "../database/copy";
import { KEPT_PROBLEMS, ProblemList } from "./check";
import {
  eventsHeaderProblem,
  mapEventRow,
  mapPermissionRow,
  permissionsHeaderProblem,
  type EventRecord,
  type PermissionRecord,
  type RecordCheck,
} from "./journey-columns";
import type { ImportProgress } from "./report";
import type { ImportFile, RowProblem } from "./source";

export type RecordKind = "events" | "permissions";

export type RecordsSummary = {
  kind: RecordKind;
  batchId: string | null;
  fileName: string;
  rowsRead: number;
  /** New events, or new channel permissions. */
  inserted: number;
  /** Permissions changed in place; always 0 for events. */
  updated: number;
  /** Events already recorded (same customer, type, time, summary and attributes), or permissions already as given. */
  unchanged: number;
  skipped: RowProblem[];
  skippedTotal: number;
  notes: string[];
  durationMs: number;
};

export type RecordsOutcome =
  | { ok: true; summary: RecordsSummary }
  | { ok: false; kind: "invalid_file"; reason: string }
  | { ok: false; kind: "invalid_rows"; rowsRead: number; problems: RowProblem[]; problemsTotal: number };

/** Serialises imports of the same kind against each other, so overlapping files cannot deadlock. */
const LOCK_KEYS: Record<RecordKind, number> = { events: 0x1c0_1e48, permissions: 0x1c0_1e49 };

type Layout<R> = {
  headerProblem: (columns: readonly string[]) => string | null;
  mapRow: (row: Parameters<typeof mapPermissionRow>[0]) => RecordCheck<R>;
  staging: string;
  columns: string;
  toCopy: (r: R, place: number) => string;
  /** Repeats within the file that are refused (the same customer and channel twice); none for events. */
  repeatsSql: string | null;
  /** Counts what writing would do: inserted, updated, unchanged. */
  countSql: string;
  writeSql: string;
};

const EVENTS: Layout<EventRecord> = {
  headerProblem: eventsHeaderProblem,
  mapRow: (row) => mapEventRow(row, new Date()),
  staging: `place integer NOT NULL, customer_id text NOT NULL, type text NOT NULL, occurred_at timestamptz NOT NULL, summary text NOT NULL, attributes jsonb NOT NULL`,
  columns: "place, customer_id, type, occurred_at, summary, attributes",
  toCopy: (r, place) => copyRow([place, r.customerId, r.type, r.occurredAt, r.summary, JSON.stringify(r.attributes)]),
  repeatsSql: null,
  countSql: `
    WITH distinct_rows AS (SELECT DISTINCT customer_id, type, occurred_at, summary, attributes FROM import_records)
    SELECT count(*) FILTER (WHERE NOT present)::int AS inserted, 0 AS updated,
      ((SELECT count(*) FROM import_records) - count(*) FILTER (WHERE NOT present))::int AS unchanged
    FROM (SELECT EXISTS (SELECT 1 FROM "JourneyEvent" e WHERE e."customerId" = d.customer_id AND e.type = d.type::"EventType"
            AND e."occurredAt" = d.occurred_at AND e.summary = d.summary AND e.attributes = d.attributes) AS present
          FROM distinct_rows d) r`,
  writeSql: `
    INSERT INTO "JourneyEvent" ("customerId", type, "occurredAt", summary, attributes)
    SELECT DISTINCT customer_id, type::"EventType", occurred_at, summary, attributes FROM import_records d
    WHERE NOT EXISTS (SELECT 1 FROM "JourneyEvent" e WHERE e."customerId" = d.customer_id AND e.type = d.type::"EventType"
      AND e."occurredAt" = d.occurred_at AND e.summary = d.summary AND e.attributes = d.attributes)`,
};

const PERMISSIONS: Layout<PermissionRecord> = {
  headerProblem: permissionsHeaderProblem,
  mapRow: mapPermissionRow,
  staging: `place integer NOT NULL, customer_id text NOT NULL, channel text NOT NULL, marketing boolean NOT NULL, service_updates boolean NOT NULL, billing boolean NOT NULL`,
  columns: "place, customer_id, channel, marketing, service_updates, billing",
  toCopy: (r, place) => copyRow([place, r.customerId, r.channel, r.marketing, r.serviceUpdates, r.billing]),
  repeatsSql: `SELECT place, customer_id || ' on ' || channel AS id, first FROM (
      SELECT place, customer_id, channel, min(place) OVER (PARTITION BY customer_id, channel) AS first FROM import_records) r WHERE place > first`,
  countSql: `
    SELECT count(*) FILTER (WHERE p."customerId" IS NULL)::int AS inserted,
      count(*) FILTER (WHERE p."customerId" IS NOT NULL AND (p.marketing, p."serviceUpdates", p.billing) IS DISTINCT FROM (s.marketing, s.service_updates, s.billing))::int AS updated,
      count(*) FILTER (WHERE p."customerId" IS NOT NULL AND (p.marketing, p."serviceUpdates", p.billing) IS NOT DISTINCT FROM (s.marketing, s.service_updates, s.billing))::int AS unchanged
    FROM import_records s LEFT JOIN "ContactPermission" p ON p."customerId" = s.customer_id AND p.channel = s.channel::"Channel"`,
  writeSql: `
    INSERT INTO "ContactPermission" ("customerId", channel, marketing, "serviceUpdates", billing, "updatedAt")
    SELECT customer_id, channel::"Channel", marketing, service_updates, billing, now() FROM import_records
    ON CONFLICT ("customerId", channel) DO UPDATE SET marketing = EXCLUDED.marketing, "serviceUpdates" = EXCLUDED."serviceUpdates",
      billing = EXCLUDED.billing, "updatedAt" = EXCLUDED."updatedAt"
    WHERE ("ContactPermission".marketing, "ContactPermission"."serviceUpdates", "ContactPermission".billing)
      IS DISTINCT FROM (EXCLUDED.marketing, EXCLUDED."serviceUpdates", EXCLUDED.billing)`,
};

const LAYOUTS = { events: EVENTS, permissions: PERMISSIONS } as const;

const count = (n: number) => n.toLocaleString("en-GB");

function notesFor(kind: RecordKind, s: Pick<RecordsSummary, "inserted" | "updated" | "unchanged">): string[] {
  if (kind === "events") {
    return [
      `${count(s.inserted)} new journey events; ${count(s.unchanged)} were already recorded (same customer, type, time, summary and attributes) and were not added twice.`,
      "The next run reads them: usage, bills, payments, tickets and campaign responses feed the churn risk and the patterns the agents look for.",
    ];
  }
  return [
    `${count(s.inserted)} new channel permissions, ${count(s.updated)} changed, ${count(s.unchanged)} already as given.`,
    "Marketing consent is per channel: a customer is offered treatments only on channels with marketing consent.",
  ];
}

/**
 * Imports the events or permissions in `file` into the database at `url`. Every row must name a
 * customer we have. `isDryRun` reads, checks and counts everything, then changes nothing.
 * `beforeCommit` runs inside the transaction with the new batch's id (the screen audits there).
 */
export async function importRecords(opts: {
  url: string;
  file: ImportFile;
  kind: RecordKind;
  maxRows: number;
  isSkipInvalid?: boolean;
  isDryRun?: boolean;
  log?: (m: string) => void;
  onProgress?: (progress: ImportProgress) => void;
  beforeCommit?: (client: pg.ClientBase, summary: RecordsSummary) => Promise<void>;
}): Promise<RecordsOutcome> {
  const started = performance.now();
  const layout = LAYOUTS[opts.kind] as Layout<EventRecord | PermissionRecord>;
  const log = opts.log ?? (() => {});
  const unit = opts.file.format === "csv" ? "line" : "record";
  const client = new pg.Client({ connectionString: opts.url });
  await client.connect();
  let isDone = false;
  const rollback = async () => {
    if (isDone) return;
    isDone = true;
    await client.query("ROLLBACK").catch(() => {});
  };
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEYS[opts.kind]]);
    await client.query(`CREATE TEMP TABLE import_records (${layout.staging}) ON COMMIT DROP`);
    const copy = client.query(copyFrom(`COPY import_records (${layout.columns}) FROM STDIN`));
    let copyError: Error | null = null;
    copy.on("error", (err: Error) => (copyError = err));

    const problems = new ProblemList();
    let rowsRead = 0;
    let loggedAt = performance.now();
    let refusal: string | null = null;
    reading: for await (const batch of opts.file.items) {
      for (const item of batch) {
        if (item.type === "refused") {
          refusal = item.reason;
          break reading;
        }
        if (item.type === "columns") {
          refusal = layout.headerProblem(item.columns);
          if (refusal !== null) break reading;
          continue;
        }
        rowsRead += 1;
        if (rowsRead > opts.maxRows) {
          refusal = `more than ${count(opts.maxRows)} rows (IMPORT_MAX_ROWS); split the file`;
          break reading;
        }
        if (item.type === "problem") {
          problems.add(item.place, item.problem);
          continue;
        }
        const check = layout.mapRow(item.row);
        if (!check.ok) {
          problems.add(item.place, { where: item.row.where, reason: check.reasons.join("; ") });
          continue;
        }
        if (copyError) throw copyError;
        if (!copy.write(layout.toCopy(check.record, item.place))) await once(copy, "drain");
      }
      opts.onProgress?.({ phase: "reading", rowsRead });
      if (performance.now() - loggedAt > 2_000) {
        loggedAt = performance.now();
        log(`Read ${count(rowsRead)} rows...`);
      }
    }
    if (refusal === null && rowsRead === 0) refusal = "no rows found";
    if (refusal !== null) {
      copy.destroy(new Error("import refused"));
      await finished(copy).catch(() => {});
      await rollback();
      return { ok: false, kind: "invalid_file", reason: `${opts.file.fileName}: ${refusal}` };
    }
    copy.end();
    await finished(copy);
    log(`Read ${count(rowsRead)} rows; checking that every customer exists...`);

    // Rows of customers we do not have, and (for permissions) repeats, join the row problems.
    const unknown = await client.query<{ place: number; customer_id: string; total: number }>(
      `SELECT place, customer_id, count(*) OVER ()::int AS total FROM import_records s
       WHERE NOT EXISTS (SELECT 1 FROM "Customer" c WHERE c.id = s.customer_id) ORDER BY place LIMIT $1`,
      [KEPT_PROBLEMS],
    );
    for (const r of unknown.rows) problems.add(r.place, { where: `${unit} ${r.place}`, reason: `customerID ${r.customer_id} is not a customer here; import the customers first` });
    problems.addUnlisted((unknown.rows[0]?.total ?? 0) - unknown.rows.length);
    await client.query(`DELETE FROM import_records s WHERE NOT EXISTS (SELECT 1 FROM "Customer" c WHERE c.id = s.customer_id)`);
    if (layout.repeatsSql) {
      const repeats = await client.query<{ place: number; id: string; first: number; total: number }>(
        `SELECT place, id, first, count(*) OVER ()::int AS total FROM (${layout.repeatsSql}) r ORDER BY place LIMIT $1`,
        [KEPT_PROBLEMS],
      );
      for (const r of repeats.rows) problems.add(r.place, { where: `${unit} ${r.place}`, reason: `${r.id} repeats ${unit} ${r.first}` });
      problems.addUnlisted((repeats.rows[0]?.total ?? 0) - repeats.rows.length);
      await client.query(`DELETE FROM import_records WHERE place IN (SELECT place FROM (${layout.repeatsSql}) r)`);
    }
    const { rows: left } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM import_records`);
    if ((problems.count > 0 && !opts.isSkipInvalid && !opts.isDryRun) || left[0]!.n === 0) {
      await rollback();
      return { ok: false, kind: "invalid_rows", rowsRead, problems: problems.list(), problemsTotal: problems.count };
    }

    const { rows: counted } = await client.query<{ inserted: number; updated: number; unchanged: number }>(layout.countSql);
    const counts = counted[0] ?? { inserted: 0, updated: 0, unchanged: 0 };
    const summary: RecordsSummary = {
      kind: opts.kind,
      batchId: null,
      fileName: opts.file.fileName,
      rowsRead,
      ...counts,
      skipped: problems.list(),
      skippedTotal: problems.count,
      notes: notesFor(opts.kind, counts),
      durationMs: 0,
    };
    if (opts.isDryRun) {
      await rollback();
      return { ok: true, summary: { ...summary, durationMs: performance.now() - started } };
    }

    const toWrite = summary.inserted + summary.updated;
    opts.onProgress?.({ phase: "writing", rowsRead, written: 0, total: toWrite });
    await client.query(layout.writeSql);
    opts.onProgress?.({ phase: "writing", rowsRead, written: toWrite, total: toWrite });
    summary.batchId = randomUUID();
    await client.query(
      `INSERT INTO "ImportBatch" (id, "fileName", "fileSha256", format, "rowsRead", "rowsImported", "rowsSkipped", report)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [
        summary.batchId,
        opts.file.fileName,
        opts.file.fileSha256(),
        opts.file.format,
        rowsRead,
        summary.inserted + summary.updated,
        summary.skippedTotal,
        JSON.stringify({ kind: opts.kind, inserted: summary.inserted, updated: summary.updated, unchanged: summary.unchanged, skipped: summary.skipped, skippedTotal: summary.skippedTotal, notes: summary.notes }),
      ],
    );
    await opts.beforeCommit?.(client, summary);
    await client.query("COMMIT");
    isDone = true;
    return { ok: true, summary: { ...summary, durationMs: performance.now() - started } };
  } catch (err) {
    await rollback();
    throw err;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The report printed after events or permissions were imported. */
export function formatRecordsReport(s: RecordsSummary): string {
  const lines = [
    `Imported ${s.kind} from ${s.fileName} in ${(s.durationMs / 1000).toFixed(2)} s, batch ${s.batchId ?? "(dry run)"}:`,
    `  rows read   ${count(s.rowsRead)}`,
    `  inserted    ${count(s.inserted)}`,
    ...(s.kind === "permissions" ? [`  updated     ${count(s.updated)}`] : []),
    `  unchanged   ${count(s.unchanged)}`,
    `  skipped     ${count(s.skippedTotal)}`,
  ];
  if (s.skippedTotal > 0) lines.push("Skipped rows:", ...s.skipped.slice(0, 20).map((p) => `  ${p.where}: ${p.reason}`));
  lines.push("Notes:", ...s.notes.map((n) => `  - ${n}`));
  return lines.join("\n");
}
