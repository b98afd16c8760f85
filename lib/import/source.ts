// Turns an import file into rows of named fields, whatever the format, each with the place in the
// file a person can find it by ("line 12" for CSV, "record 12" for JSON). CSV streams through
// (bytes checked, parsed, then split into rows), so its size does not bound memory; JSON is read
// whole, so it has a lower size limit of its own.
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { readCsv } from "./csv";
import type { CsvItem } from "./csv";
import { ByteCheck, FileBytesError, checkedChunks } from "./file-bytes";

export type ImportFormat = "csv" | "json";

/** A JSON scalar as found in the file; CSV fields are always strings. */
export type RawValue = string | number | boolean | null;

export type SourceRow = {
  /** "line 12" or "record 12". */
  where: string;
  /** Field values as text, for validation: JSON numbers and booleans written out, null blank. */
  fields: Record<string, string>;
  /** The values exactly as the file gave them, kept on the customer. */
  raw: Record<string, RawValue>;
};

export type RowProblem = { where: string; reason: string };

/** What reading a file yields, in file order; `place` is the line or record number. */
export type SourceItem =
  /** A CSV file's header, before its rows. */
  | { type: "columns"; columns: string[] }
  | { type: "row"; place: number; row: SourceRow }
  | { type: "problem"; place: number; problem: RowProblem }
  /** The file cannot be read as customers as a whole; always the last item. */
  | { type: "refused"; reason: string };

/** What one import may read: bytes of CSV (streamed), bytes of JSON (read whole), and rows. */
export type ImportLimits = { maxBytes: number; maxJsonBytes: number; maxRows: number };

export type ImportFile = {
  fileName: string;
  format: ImportFormat;
  /** The file's items in file order, a batch at a time; read each batch through before the next. */
  items: AsyncIterable<Iterable<SourceItem>>;
  /** The SHA-256 of the file's bytes, known once `items` has been read to the end. */
  fileSha256: () => string;
};

export type OpenFileResult =
  | { ok: true; file: ImportFile }
  /** The command was asked for something it cannot open: missing file, unknown extension. */
  | { ok: false; kind: "usage"; reason: string }
  /** The file is too large to import. */
  | { ok: false; kind: "invalid_file"; reason: string };

/** The format a file name announces, or null for any other extension. */
export function formatOf(fileName: string): ImportFormat | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".json")) return "json";
  return null;
}

const count = (n: number) => n.toLocaleString("en-GB");

/** Checks what can be checked without reading `filePath` (type, existence, size) and opens it for reading. */
export async function openImportFile(opts: { filePath: string; limits: ImportLimits }): Promise<OpenFileResult> {
  const fileName = path.basename(opts.filePath);
  const format = formatOf(fileName);
  if (format === null) {
    return { ok: false, kind: "usage", reason: `${fileName}: unsupported file type "${path.extname(fileName) || "(none)"}"; use a .csv or .json file` };
  }
  const info = await stat(opts.filePath).catch(() => null);
  if (info === null) return { ok: false, kind: "usage", reason: `${opts.filePath}: no such file` };
  if (!info.isFile()) return { ok: false, kind: "usage", reason: `${opts.filePath}: not a file` };
  const [maxBytes, setting] = format === "csv" ? [opts.limits.maxBytes, "IMPORT_MAX_BYTES"] : [opts.limits.maxJsonBytes, "IMPORT_MAX_JSON_BYTES"];
  if (info.size > maxBytes) {
    return { ok: false, kind: "invalid_file", reason: `${fileName}: ${count(info.size)} bytes is more than the ${count(maxBytes)} a ${format.toUpperCase()} file may have (${setting})` };
  }

  let fileSha256: string | null = null;
  const items = format === "csv" ? csvFileItems(opts.filePath, maxBytes, (sha) => (fileSha256 = sha)) : jsonFileItems(opts.filePath, maxBytes, (sha) => (fileSha256 = sha));
  return {
    ok: true,
    file: {
      fileName,
      format,
      items,
      fileSha256: () => {
        if (fileSha256 === null) throw new Error("The file's fingerprint is known only once it has been read to the end.");
        return fileSha256;
      },
    },
  };
}

/** Bytes read from a CSV file at a time: each read is parsed and checked as one batch. */
const CSV_READ_BYTES = 256 * 1024;

async function* csvFileItems(filePath: string, maxBytes: number, onSha: (sha: string) => void): AsyncGenerator<Iterable<SourceItem>> {
  try {
    const bytes = createReadStream(filePath, { highWaterMark: CSV_READ_BYTES });
    yield* csvItems(checkedChunks(bytes, { maxBytes, onEnd: (f) => onSha(f.fileSha256) }));
  } catch (err) {
    if (!(err instanceof FileBytesError)) throw err;
    yield [{ type: "refused", reason: err.reason }];
  }
}

async function* jsonFileItems(filePath: string, maxBytes: number, onSha: (sha: string) => void): AsyncGenerator<Iterable<SourceItem>> {
  const bytes = await readFile(filePath);
  const check = new ByteCheck({ maxBytes });
  try {
    check.check(bytes);
    onSha(check.finish().fileSha256);
  } catch (err) {
    if (!(err instanceof FileBytesError)) throw err;
    yield [{ type: "refused", reason: err.reason }];
    return;
  }
  yield* jsonItems(bytes.toString("utf8"));
}

/**
 * Reads CSV with a header row into named rows, a batch per chunk read; rows with the wrong field
 * count are problems. Each batch makes its rows only as they are taken, so no more than one row
 * is held at a time: read a batch through before asking for the next.
 */
export async function* csvItems(chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<Iterable<SourceItem>> {
  const state: HeaderState = { columns: null, isOver: false };
  for await (const batch of readCsv(chunks)) {
    yield itemsOfBatch(batch, state);
    if (state.isOver) return;
  }
  if (state.columns === null) yield [{ type: "refused", reason: "the file is empty: expected a header row and at least one customer" }];
}

/** The header once read, and whether the file was refused (nothing more to read). */
type HeaderState = { columns: string[] | null; isOver: boolean };

function* itemsOfBatch(batch: readonly CsvItem[], state: HeaderState): Generator<SourceItem> {
  for (const item of batch) {
    if (item.type === "fatal") {
      state.isOver = true;
      yield { type: "refused", reason: `line ${item.line}: ${state.columns === null ? "header row: " : ""}${item.reason}` };
      return;
    }
    if (state.columns !== null) {
      yield rowOf(item, state.columns);
      continue;
    }
    const refusal = item.type === "problem" ? `line ${item.line}: header row: ${item.reason}` : headerProblem(item.line, item.fields);
    if (refusal !== null) {
      state.isOver = true;
      yield { type: "refused", reason: refusal };
      return;
    }
    if (item.type === "record") {
      state.columns = item.fields.map((f) => f.trim());
      yield { type: "columns", columns: state.columns };
    }
  }
}

/** Why a header cannot name the columns, or null when it can. */
function headerProblem(line: number, fields: readonly string[]): string | null {
  const names = fields.map((f) => f.trim());
  const duplicate = names.find((c, i) => names.indexOf(c) !== i);
  if (duplicate !== undefined) return `line ${line}: column "${duplicate}" appears twice in the header`;
  if (names.some((c) => c === "")) return `line ${line}: the header has a blank column name`;
  return null;
}

/** One CSV record after the header as a row, or the problem that keeps it from being one. */
function rowOf(item: Exclude<CsvItem, { type: "fatal" }>, columns: readonly string[]): SourceItem {
  const where = `line ${item.line}`;
  if (item.type === "problem") return { type: "problem", place: item.line, problem: { where, reason: item.reason } };
  if (item.fields.length !== columns.length) {
    return { type: "problem", place: item.line, problem: { where, reason: `expected ${columns.length} fields, found ${item.fields.length}` } };
  }
  const fields: Record<string, string> = {};
  for (let i = 0; i < columns.length; i++) fields[columns[i]!] = item.fields[i] ?? "";
  const withNul = nulProblem(fields);
  if (withNul) return { type: "problem", place: item.line, problem: { where, reason: withNul } };
  // CSV values are text already: the raw view is the same object (rows are never mutated).
  return { type: "row", place: item.line, row: { where, fields, raw: fields } };
}

/** Records per batch handed on from a JSON file, which is read whole. */
const JSON_BATCH = 1_000;

/** Reads a JSON array of objects, or `{ "customers": [...] }`, into named rows, in batches. */
export function* jsonItems(text: string): Generator<Iterable<SourceItem>> {
  let batch: SourceItem[] = [];
  for (const item of jsonRows(text)) {
    batch.push(item);
    if (batch.length >= JSON_BATCH || item.type === "refused") {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function* jsonRows(text: string): Generator<SourceItem> {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    yield { type: "refused", reason: `not valid JSON: ${(err as Error).message}` };
    return;
  }
  const list = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.customers) ? data.customers : null;
  if (list === null) {
    yield { type: "refused", reason: 'expected a JSON array of customer objects, or an object with a "customers" array' };
    return;
  }

  for (let index = 0; index < list.length; index++) {
    const item: unknown = list[index];
    const place = index + 1;
    const where = `record ${place}`;
    if (!isObject(item)) {
      yield { type: "problem", place, problem: { where, reason: "not an object" } };
      continue;
    }
    const fields: Record<string, string> = {};
    const raw: Record<string, RawValue> = {};
    const nested: string[] = [];
    for (const [key, value] of Object.entries(item)) {
      if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        raw[key] = value;
        fields[key] = value === null ? "" : String(value);
      } else {
        nested.push(key);
      }
    }
    if (nested.length > 0) {
      yield { type: "problem", place, problem: { where, reason: `${nested.join(", ")} must be text, a number, true/false or null` } };
      continue;
    }
    const withNul = nulProblem(fields);
    if (withNul) {
      yield { type: "problem", place, problem: { where, reason: withNul } };
      continue;
    }
    yield { type: "row", place, row: { where, fields, raw } };
  }
}

/** PostgreSQL text cannot hold a NUL character, so a row with one is refused here, by name. */
function nulProblem(fields: Record<string, string>): string | null {
  let columns: string[] | null = null;
  for (const key in fields) {
    if (key.includes("\u0000") || (fields[key] ?? "").includes("\u0000")) (columns ??= []).push(JSON.stringify(key));
  }
  if (columns === null) return null;
  return `${columns.join(", ")} ${columns.length === 1 ? "contains" : "contain"} a NUL character, which cannot be stored`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
