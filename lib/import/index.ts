// Importing customers from a file in one pass: each row is read, checked and staged inside one
// transaction, which commits only when the whole file is good (or, when asked, the good part of
// it). A refused file rolls back and changes nothing; memory stays flat whatever the file's size.
import { getEnv } from "../env";
import type { Env } from "../env";
import { KEPT_PROBLEMS, checkRows } from "./check";
import type { ImportProgress, ImportSummary } from "./report";
import { openImportFile } from "./source";
import type { ImportFile, ImportLimits, OpenFileResult, RowProblem } from "./source";
import { beginImport, type WrittenImport } from "./write";
import type pg from "pg";
import { mappingLayout, telcoLayout, type CustomerLayout } from "./layout";
import type { Mapping } from "./mapping";

export { openImportFile } from "./source";
export type { ImportFile, ImportLimits } from "./source";
export { formatImportReport, formatProblems, PROBLEM_LISTING_CAP } from "./report";
export type { ImportProgress, ImportSummary } from "./report";
export { mappingLayout, telcoLayout, type CustomerLayout } from "./layout";
export { parseMapping, type Mapping } from "./mapping";

export type ImportOutcome =
  | { ok: true; summary: ImportSummary }
  | Exclude<OpenFileResult, { ok: true }>
  /** The file cannot be read as customers as a whole (bad header, broken quoting, too many rows...). */
  | { ok: false; kind: "invalid_file"; reason: string }
  /** Some rows cannot be read; nothing is imported. `problems` are the first in file order, `problemsTotal` counts all. */
  | { ok: false; kind: "invalid_rows"; rowsRead: number; problems: RowProblem[]; problemsTotal: number };

const count = (n: number) => n.toLocaleString("en-GB");


/** What an import would do, found by doing all of it but the commit. */
export type DryRun = {
  fileName: string;
  rowsRead: number;
  inserted: number;
  updated: number;
  /** Already as the file gives them (events and permissions only). */
  unchanged: number;
  /** Rows that would be refused, the first in file order; `refusedTotal` counts them all. */
  refused: RowProblem[];
  refusedTotal: number;
};

export type DryRunOutcome = { ok: true; dryRun: DryRun } | { ok: false; kind: "invalid_file"; reason: string };

/**
 * Reads, checks and stages `file` exactly as `importFile` would, counts what it would add and
 * update, then rolls back: nothing changes, whatever the file holds.
 */
export async function dryRunFile(opts: { url: string; file: ImportFile; maxRows: number; layout?: CustomerLayout; onProgress?: (p: ImportProgress) => void }): Promise<DryRunOutcome> {
  const { file } = opts;
  const layout = opts.layout ?? telcoLayout;
  const unit = file.format === "csv" ? "line" : "record";
  const tx = await beginImport(opts.url);
  try {
    const onRead = (rowsRead: number) => opts.onProgress?.({ phase: "reading", rowsRead });
    const checked = await checkRows(file.items, { maxRows: opts.maxRows, stage: tx.stage, layout, onRead });
    if (!checked.ok) return { ok: false, kind: "invalid_file", reason: `${file.fileName}: ${checked.reason}` };
    const { problems } = checked;
    const repeats = await tx.findRepeats(KEPT_PROBLEMS);
    for (const r of repeats.first) problems.add(r.place, { where: `${unit} ${r.place}`, reason: `${layout.keyName} ${r.id} repeats ${unit} ${r.first}` });
    problems.addUnlisted(repeats.total - repeats.first.length);
    if (repeats.total > 0) await tx.dropRepeats();
    const changes = await tx.countChanges();
    return { ok: true, dryRun: { fileName: file.fileName, rowsRead: checked.rowsRead, ...changes, unchanged: 0, refused: problems.list(), refusedTotal: problems.count } };
  } finally {
    await tx.rollback();
  }
}

/** The import limits the settings give (IMPORT_MAX_BYTES, IMPORT_MAX_JSON_BYTES, IMPORT_MAX_ROWS). */
export function importLimitsFrom(env: Env = getEnv()): ImportLimits {
  return { maxBytes: env.IMPORT_MAX_BYTES, maxJsonBytes: env.IMPORT_MAX_JSON_BYTES, maxRows: env.IMPORT_MAX_ROWS };
}

/**
 * Imports an opened file into the database at `url`. Refused files change nothing; `durationMs`
 * covers reading, checking and writing.
 */
export async function importFile(opts: {
  url: string;
  file: ImportFile;
  maxRows: number;
  isSkipInvalid?: boolean;
  log?: (m: string) => void;
  chunkSize?: number;
  /** How rows become customers; the Telco layout by default. */
  layout?: CustomerLayout;
  onProgress?: (progress: ImportProgress) => void;
  /** Runs inside the transaction once everything is written (the Import screen audits there). */
  beforeCommit?: (client: pg.ClientBase, written: WrittenImport) => Promise<void>;
}): Promise<ImportOutcome> {
  const started = performance.now();
  const { file } = opts;
  const layout = opts.layout ?? telcoLayout;
  const unit = file.format === "csv" ? "line" : "record";
  const tx = await beginImport(opts.url);
  try {
    const onRead = (rowsRead: number) => opts.onProgress?.({ phase: "reading", rowsRead });
    const checked = await checkRows(file.items, { maxRows: opts.maxRows, stage: tx.stage, log: opts.log, layout, onRead });
    if (!checked.ok) {
      await tx.rollback();
      return { ok: false, kind: "invalid_file", reason: `${file.fileName}: ${checked.reason}` };
    }
    const { problems } = checked;
    const log = opts.log ?? (() => {});
    log(`Read ${count(checked.rowsRead)} rows; looking for repeated ${layout.keyName}s...`);
    const repeats = await tx.findRepeats(KEPT_PROBLEMS);
    for (const r of repeats.first) problems.add(r.place, { where: `${unit} ${r.place}`, reason: `${layout.keyName} ${r.id} repeats ${unit} ${r.first}` });
    problems.addUnlisted(repeats.total - repeats.first.length);

    const isEmpty = checked.staged - repeats.total === 0;
    if ((problems.count > 0 && !opts.isSkipInvalid) || isEmpty) {
      await tx.rollback();
      return { ok: false, kind: "invalid_rows", rowsRead: checked.rowsRead, problems: problems.list(), problemsTotal: problems.count };
    }
    if (repeats.total > 0) await tx.dropRepeats();
    const skipped = { first: problems.list(), total: problems.count };
    const written = await tx.commit({
      fileName: file.fileName,
      fileSha256: file.fileSha256(),
      format: file.format,
      rowsRead: checked.rowsRead,
      skipped,
      chunkSize: opts.chunkSize,
      log: opts.log,
      notes: layout.notes,
      onWritten: (written, total) => opts.onProgress?.({ phase: "writing", rowsRead: checked.rowsRead, written, total }),
      beforeCommit: opts.beforeCommit,
    });
    return {
      ok: true,
      summary: {
        ...written,
        fileName: file.fileName,
        format: file.format,
        rowsRead: checked.rowsRead,
        skipped: skipped.first,
        skippedTotal: skipped.total,
        durationMs: performance.now() - started,
      },
    };
  } catch (err) {
    await tx.rollback();
    throw err;
  }
}

/**
 * Imports the customers in `filePath` (CSV or JSON; Telco columns, or those `mapping` reads) into
 * the database at `url`, within `limits` (default: the settings').
 */
export async function importCustomersFile(opts: {
  url: string;
  filePath: string;
  isSkipInvalid?: boolean;
  log?: (m: string) => void;
  chunkSize?: number;
  limits?: Partial<ImportLimits>;
  /** A checked mapping (parseMapping) for a file that is not in the Telco layout. */
  mapping?: Mapping;
}): Promise<ImportOutcome> {
  const limits = { ...importLimitsFrom(), ...opts.limits };
  const opened = await openImportFile({ filePath: opts.filePath, limits });
  if (!opened.ok) return opened;
  const layout = opts.mapping ? mappingLayout(opts.mapping) : telcoLayout;
  return importFile({ ...opts, file: opened.file, maxRows: limits.maxRows, layout });
}
