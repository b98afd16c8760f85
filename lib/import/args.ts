// Command-line options of `npm run import`, parsed apart from the command so they can be tested.
import { parseCommandArgs } from "../cli/args";

export const IMPORT_KINDS = ["customers", "events", "permissions"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export type ImportArgs = { filePath: string; isSkipInvalid: boolean; mappingPath: string | null; kind: ImportKind };

export type ParsedImportArgs = { ok: true; args: ImportArgs } | { ok: false; error: string } | { ok: false; isHelp: true };

export const importUsage = `Usage: npm run import -- FILE [--kind customers|events|permissions] [--mapping MAPPING.json] [--skip-invalid]
  FILE            customers to load: a .csv file with a header row, or a .json file holding an
                  array of objects (or {"customers": [...]}), with the Telco Customer Churn columns
  --kind K        what FILE holds: customers (the default), events (journey events: customerID,
                  type, occurredAt, summary and attribute columns) or permissions (customerID,
                  channel, marketing, serviceUpdates, billing); the README lists every column
  --mapping M     read a customers FILE's columns as the mapping M says (a JSON file; examples,
                  with what every field may say, in examples/mappings/ and the README)
  --skip-invalid  import the readable rows and report the others (default: refuse the whole file
                  when any row cannot be read, changing nothing)
Customers already in the database (same customerID) are updated in place, never duplicated.
Uses DATABASE_URL, or the local database under .data/, migrated first. Limits: IMPORT_MAX_BYTES
(CSV), IMPORT_MAX_JSON_BYTES (JSON, read whole) and IMPORT_MAX_ROWS.`;

const OPTIONS = { "skip-invalid": { type: "boolean" }, mapping: { type: "string" }, kind: { type: "string" } } as const;

/** Parses `FILE [--kind K] [--mapping M] [--skip-invalid]` in any order; never throws. */
export function parseImportArgs(argv: readonly string[]): ParsedImportArgs {
  const parsed = parseCommandArgs(argv, OPTIONS, { maxPositionals: 2 });
  if (!parsed.ok) return parsed;
  const [filePath, other] = parsed.positionals;
  if (filePath === undefined) return { ok: false, error: "Name the file to import." };
  if (other !== undefined) return { ok: false, error: `One file at a time: got "${filePath}" and "${other}".` };
  const kind = parsed.values.kind ?? "customers";
  if (!(IMPORT_KINDS as readonly string[]).includes(kind)) return { ok: false, error: `--kind is one of ${IMPORT_KINDS.join(", ")}; got "${kind}".` };
  const mappingPath = parsed.values.mapping ?? null;
  if (mappingPath !== null && kind !== "customers") return { ok: false, error: "--mapping reads customers files; events and permissions have their own columns." };
  return { ok: true, args: { filePath, isSkipInvalid: parsed.values["skip-invalid"] ?? false, mappingPath, kind: kind as ImportKind } };
}
