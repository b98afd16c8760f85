// Command-line options of `npm run import`, parsed apart from the command so they can be tested.

export type ImportArgs = { filePath: string; isSkipInvalid: boolean };

export type ParsedImportArgs = { ok: true; args: ImportArgs } | { ok: false; error: string } | { ok: false; isHelp: true };

export const importUsage = `Usage: npm run import -- FILE [--skip-invalid]
  FILE            customers to load: a .csv file with a header row, or a .json file holding an
                  array of objects (or {"customers": [...]}), with the Telco Customer Churn columns
  --skip-invalid  import the readable rows and report the others (default: refuse the whole file
                  when any row cannot be read, changing nothing)
Customers already in the database (same customerID) are updated in place, never duplicated.
Uses DATABASE_URL, or the local database under .data/, migrated first.`;

/** Parses `FILE [--skip-invalid]` in any order; never throws. */
export function parseImportArgs(argv: readonly string[]): ParsedImportArgs {
  let filePath: string | null = null;
  let isSkipInvalid = false;
  let isOptionsOver = false;
  for (const arg of argv) {
    if (!isOptionsOver && (arg === "--help" || arg === "-h")) return { ok: false, isHelp: true };
    if (!isOptionsOver && arg === "--skip-invalid") {
      isSkipInvalid = true;
      continue;
    }
    if (!isOptionsOver && arg === "--") {
      isOptionsOver = true;
      continue;
    }
    if (!isOptionsOver && arg.startsWith("-")) return { ok: false, error: `Unknown option "${arg}".` };
    if (filePath !== null) return { ok: false, error: `One file at a time: got "${filePath}" and "${arg}".` };
    filePath = arg;
  }
  if (filePath === null) return { ok: false, error: "Name the file to import." };
  return { ok: true, args: { filePath, isSkipInvalid } };
}
