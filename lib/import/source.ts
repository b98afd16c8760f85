// Turns an import file into rows of named fields, whatever the format, each with the place in the
// file a person can find it by ("line 12" for CSV, "record 12" for JSON). CSV streams through
// (bytes checked, parsed, then split into rows), so its size does not bound memory; JSON is read
// whole, so it has a lower size limit of its own.
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { readCsv } from "./csv";
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
  items: AsyncIterable<SourceItem>;
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

async function* csvFileItems(filePath: string, maxBytes: number, onSha: (sha: string) => void): AsyncGenerator<SourceItem> {
  try {
    yield* csvItems(checkedChunks(createReadStream(filePath), { maxBytes, onEnd: (f) => onSha(f.fileSha256) }));
  } catch (err) {
    if (!(err instanceof FileBytesError)) throw err;
    yield { type: "refused", reason: err.reason };
  }
}

async function* jsonFileItems(filePath: string, maxBytes: number, onSha: (sha: string) => void): AsyncGenerator<SourceItem> {
  const bytes = await readFile(filePath);
  const check = new ByteCheck({ maxBytes });
  try {
    check.check(bytes);
    onSha(check.finish().fileSha256);
  } catch (err) {
    if (!(err instanceof FileBytesError)) throw err;
    yield { type: "refused", reason: err.reason };
    return;
  }
  yield* jsonItems(bytes.toString("utf8"));
}

/** Reads CSV with a header row into named rows; rows with the wrong field count are problems. */
export async function* csvItems(chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string> | string): AsyncGenerator<SourceItem> {
  let columns: string[] | null = null;
  for await (const item of readCsv(chunks)) {
    if (item.type === "fatal") {
      yield { type: "refused", reason: `line ${item.line}: ${item.isFirstRecord ? "header row: " : ""}${item.reason}` };
      return;
    }
    if (columns === null) {
      if (item.type === "problem") {
        yield { type: "refused", reason: `line ${item.line}: header row: ${item.reason}` };
        return;
      }
      const names = item.fields.map((f) => f.trim());
      const duplicate = names.find((c, i) => names.indexOf(c) !== i);
      if (duplicate !== undefined) {
        yield { type: "refused", reason: `line ${item.line}: column "${duplicate}" appears twice in the header` };
        return;
      }
      if (names.some((c) => c === "")) {
        yield { type: "refused", reason: `line ${item.line}: the header has a blank column name` };
        return;
      }
      columns = names;
      yield { type: "columns", columns };
      continue;
    }

    const where = `line ${item.line}`;
    if (item.type === "problem") {
      yield { type: "problem", place: item.line, problem: { where, reason: item.reason } };
      continue;
    }
    if (item.fields.length !== columns.length) {
      yield { type: "problem", place: item.line, problem: { where, reason: `expected ${columns.length} fields, found ${item.fields.length}` } };
      continue;
    }
    const fields: Record<string, string> = {};
    for (let i = 0; i < columns.length; i++) fields[columns[i]!] = item.fields[i] ?? "";
    const withNul = nulProblem(fields);
    if (withNul) {
      yield { type: "problem", place: item.line, problem: { where, reason: withNul } };
      continue;
    }
    // CSV values are text already: the raw view is the same object (rows are never mutated).
    yield { type: "row", place: item.line, row: { where, fields, raw: fields } };
  }
  if (columns === null) yield { type: "refused", reason: "the file is empty: expected a header row and at least one customer" };
}

/** Reads a JSON array of objects, or `{ "customers": [...] }`, into named rows. */
export function* jsonItems(text: string): Generator<SourceItem> {
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
