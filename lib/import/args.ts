// Command-line options of `npm run import`, parsed apart from the command so they can be tested.
import { parseCommandArgs } from "../cli/args";

export type ImportArgs = { filePath: string; isSkipInvalid: boolean; mappingPath: string | null };

export type ParsedImportArgs = { ok: true; args: ImportArgs } | { ok: false; error: string } | { ok: false; isHelp: true };

export const importUsage = `Usage: npm run import -- FILE [--mapping MAPPING.json] [--skip-invalid]
  FILE            customers to load: a .csv file with a header row, or a .json file holding an
                  array of objects (or {"customers": [...]}), with the Telco Customer Churn columns
  --mapping M     read FILE's columns as the mapping M says (a JSON file; examples, with what
                  every field may say, in examples/mappings/ and the README)
  --skip-invalid  import the readable rows and report the others (default: refuse the whole file
                  when any row cannot be read, changing nothing)
Customers already in the database (same customerID) are updated in place, never duplicated.
Uses DATABASE_URL, or the local database under .data/, migrated first. Limits: IMPORT_MAX_BYTES
(CSV), IMPORT_MAX_JSON_BYTES (JSON, read whole) and IMPORT_MAX_ROWS.`;

const OPTIONS = { "skip-invalid": { type: "boolean" }, mapping: { type: "string" } } as const;

/** Parses `FILE [--mapping M] [--skip-invalid]` in any order; never throws. */
export function parseImportArgs(argv: readonly string[]): ParsedImportArgs {
  const parsed = parseCommandArgs(argv, OPTIONS, { maxPositionals: 2 });
  if (!parsed.ok) return parsed;
  const [filePath, other] = parsed.positionals;
  if (filePath === undefined) return { ok: false, error: "Name the file to import." };
  if (other !== undefined) return { ok: false, error: `One file at a time: got "${filePath}" and "${other}".` };
  return { ok: true, args: { filePath, isSkipInvalid: parsed.values["skip-invalid"] ?? false, mappingPath: parsed.values.mapping ?? null } };
}
