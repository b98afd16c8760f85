// Turns a file's text into rows of named fields, whatever the format, each with the place in the
// file a person can find it by ("line 12" for CSV, "record 12" for JSON).
import { parseCsv } from "./csv";

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

export type SourceRead =
  | { ok: true; columns: string[]; rows: SourceRow[]; problems: RowProblem[] }
  | { ok: false; reason: string };

/** The format a file name announces, or null for any other extension. */
export function formatOf(fileName: string): ImportFormat | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".json")) return "json";
  return null;
}

/** Decodes UTF-8 (a byte-order mark is dropped); null when the bytes are not UTF-8 text. */
export function decodeText(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Reads CSV text with a header row into named rows; rows with the wrong field count are problems. */
export function readCsvRows(text: string): SourceRead {
  const parsed = parseCsv(text);
  if (parsed.fatal) return { ok: false, reason: `line ${parsed.fatal.line}: ${parsed.fatal.reason}` };
  const [header, ...body] = parsed.records;
  const headerProblem = parsed.problems.find((p) => header === undefined || p.line < header.line);
  if (headerProblem) return { ok: false, reason: `line ${headerProblem.line}: header row: ${headerProblem.reason}` };
  if (header === undefined) return { ok: false, reason: "the file is empty: expected a header row and at least one customer" };

  const columns = header.fields.map((f) => f.trim());
  const duplicate = columns.find((c, i) => columns.indexOf(c) !== i);
  if (duplicate !== undefined) return { ok: false, reason: `line ${header.line}: column "${duplicate}" appears twice in the header` };
  if (columns.some((c) => c === "")) return { ok: false, reason: `line ${header.line}: the header has a blank column name` };

  const problems: RowProblem[] = parsed.problems.map((p) => ({ where: `line ${p.line}`, reason: p.reason }));
  const rows: SourceRow[] = [];
  for (const record of body) {
    const where = `line ${record.line}`;
    if (record.fields.length !== columns.length) {
      problems.push({ where, reason: `expected ${columns.length} fields, found ${record.fields.length}` });
      continue;
    }
    const fields: Record<string, string> = {};
    columns.forEach((column, i) => {
      fields[column] = record.fields[i] ?? "";
    });
    const withNul = nulProblem(fields);
    if (withNul) {
      problems.push({ where, reason: withNul });
      continue;
    }
    // CSV values are text already: the raw view is the same object (rows are never mutated).
    rows.push({ where, fields, raw: fields });
  }
  // Quoting problems and field-count problems were found in two passes: list them in file order.
  problems.sort((a, b) => lineOf(a.where) - lineOf(b.where));
  return { ok: true, columns, rows, problems };
}

const lineOf = (where: string) => Number(where.replace(/^\D+/, ""));

/** Reads a JSON array of objects, or `{ "customers": [...] }`, into named rows. */
export function readJsonRows(text: string): SourceRead {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    return { ok: false, reason: `not valid JSON: ${(err as Error).message}` };
  }
  const list = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.customers) ? data.customers : null;
  if (list === null) return { ok: false, reason: 'expected a JSON array of customer objects, or an object with a "customers" array' };

  const columns: string[] = [];
  const seen = new Set<string>();
  const rows: SourceRow[] = [];
  const problems: RowProblem[] = [];
  list.forEach((item: unknown, index: number) => {
    const where = `record ${index + 1}`;
    if (!isObject(item)) {
      problems.push({ where, reason: "not an object" });
      return;
    }
    const fields: Record<string, string> = {};
    const raw: Record<string, RawValue> = {};
    const nested: string[] = [];
    for (const [key, value] of Object.entries(item)) {
      if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        raw[key] = value;
        fields[key] = value === null ? "" : String(value);
        if (!seen.has(key)) {
          seen.add(key);
          columns.push(key);
        }
      } else {
        nested.push(key);
      }
    }
    if (nested.length > 0) {
      problems.push({ where, reason: `${nested.join(", ")} must be text, a number, true/false or null` });
      return;
    }
    const withNul = nulProblem(fields);
    if (withNul) {
      problems.push({ where, reason: withNul });
      return;
    }
    rows.push({ where, fields, raw });
  });
  return { ok: true, columns, rows, problems };
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
