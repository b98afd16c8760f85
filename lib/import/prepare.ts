// Reading and checking an import file, before anything touches the database: a file with
// unreadable rows is refused whole (or, when asked, imported without them), so a failed import
// never writes a thing.
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { decodeText, formatOf, readCsvRows, readJsonRows } from "./source";
import type { ImportFormat, RowProblem, SourceRead } from "./source";
import { mapTelcoRow, missingTelcoColumns } from "./telco";
import type { CustomerRecord } from "./telco";

export type PreparedImport = {
  fileName: string;
  fileSha256: string;
  format: ImportFormat;
  /** Data rows found in the file (header and blank lines not counted). */
  rowsRead: number;
  customers: CustomerRecord[];
  /** Rows left out under `isSkipInvalid`, in file order. */
  skipped: RowProblem[];
};

export type PrepareResult =
  | { ok: true; prepared: PreparedImport }
  /** The command was asked for something it cannot open: missing file, unknown extension. */
  | { ok: false; kind: "usage"; reason: string }
  /** The file opened but cannot be read as customers as a whole (bad JSON, missing columns...). */
  | { ok: false; kind: "invalid_file"; reason: string }
  /** Some rows cannot be read; nothing is imported. */
  | { ok: false; kind: "invalid_rows"; rowsRead: number; problems: RowProblem[] };

/** Opens and checks `filePath`; `isSkipInvalid` keeps the good rows instead of refusing the file. */
export async function prepareImport(opts: { filePath: string; isSkipInvalid: boolean }): Promise<PrepareResult> {
  const fileName = path.basename(opts.filePath);
  const format = formatOf(fileName);
  if (format === null) {
    return { ok: false, kind: "usage", reason: `${fileName}: unsupported file type "${path.extname(fileName) || "(none)"}"; use a .csv or .json file` };
  }
  const info = await stat(opts.filePath).catch(() => null);
  if (info === null) return { ok: false, kind: "usage", reason: `${opts.filePath}: no such file` };
  if (!info.isFile()) return { ok: false, kind: "usage", reason: `${opts.filePath}: not a file` };

  const bytes = await readFile(opts.filePath);
  const text = decodeText(bytes);
  if (text === null) return { ok: false, kind: "invalid_file", reason: `${fileName}: not UTF-8 text` };
  const checked = checkText({ text, format, isSkipInvalid: opts.isSkipInvalid });
  if (!checked.ok) return checked.kind === "invalid_file" ? { ...checked, reason: `${fileName}: ${checked.reason}` } : checked;
  return {
    ok: true,
    prepared: { fileName, fileSha256: createHash("sha256").update(bytes).digest("hex"), format, ...checked.result },
  };
}

type CheckResult =
  | { ok: true; result: Pick<PreparedImport, "rowsRead" | "customers" | "skipped"> }
  | { ok: false; kind: "invalid_file"; reason: string }
  | { ok: false; kind: "invalid_rows"; rowsRead: number; problems: RowProblem[] };

/** Checks file text in a given format: the pure core of `prepareImport`. */
export function checkText(opts: { text: string; format: ImportFormat; isSkipInvalid: boolean }): CheckResult {
  const read: SourceRead = opts.format === "csv" ? readCsvRows(opts.text) : readJsonRows(opts.text);
  if (!read.ok) return { ok: false, kind: "invalid_file", reason: read.reason };

  // A CSV header names its columns once for every row; a JSON record names its own.
  if (opts.format === "csv") {
    const missing = missingTelcoColumns(read.columns);
    if (missing.length > 0) return { ok: false, kind: "invalid_file", reason: `the header lacks ${missing.length === 1 ? "column" : "columns"} ${missing.join(", ")}` };
  }

  const problems: RowProblem[] = [...read.problems];
  const customers: CustomerRecord[] = [];
  const firstSeen = new Map<string, string>();
  for (const row of read.rows) {
    const check = mapTelcoRow(row);
    if (!check.ok) {
      problems.push({ where: row.where, reason: check.reasons.join("; ") });
      continue;
    }
    const earlier = firstSeen.get(check.customer.id);
    if (earlier !== undefined) {
      problems.push({ where: row.where, reason: `customerID ${check.customer.id} repeats ${earlier}` });
      continue;
    }
    firstSeen.set(check.customer.id, row.where);
    customers.push(check.customer);
  }

  const rowsRead = read.rows.length + read.problems.length;
  if (rowsRead === 0) return { ok: false, kind: "invalid_file", reason: "no customer rows found" };
  problems.sort((a, b) => placeOf(a.where) - placeOf(b.where));
  if (problems.length > 0 && !opts.isSkipInvalid) return { ok: false, kind: "invalid_rows", rowsRead, problems };
  if (customers.length === 0) return { ok: false, kind: "invalid_rows", rowsRead, problems };
  return { ok: true, result: { rowsRead, customers, skipped: problems } };
}

const placeOf = (where: string) => Number(where.replace(/^\D+/, ""));
