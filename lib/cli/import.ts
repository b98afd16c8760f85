// `npm run import -- FILE [--skip-invalid]`: loads customers from a CSV or JSON file into
// DATABASE_URL, or the local database under .data/ (migrated first). The file is read and checked
// before the database is touched; a refused file changes nothing.
import { parseImportArgs, importUsage } from "../import/args";
import { prepareImport } from "../import/prepare";
import { formatImportReport, formatProblems } from "../import/report";
import { writeImport } from "../import/write";
import { openDatabase } from "../database/connection";

const parsed = parseImportArgs(process.argv.slice(2));
if (!parsed.ok) {
  if ("isHelp" in parsed) {
    console.log(importUsage);
    process.exit(0);
  }
  console.error(`${parsed.error}\n\n${importUsage}`);
  process.exit(2);
}

const log = (m: string) => console.log(`[import] ${m}`);
const started = performance.now();
const checked = await prepareImport(parsed.args);
if (!checked.ok) {
  if (checked.kind === "usage") {
    console.error(`[import] ${checked.reason}\n\n${importUsage}`);
    process.exit(2);
  }
  if (checked.kind === "invalid_file") {
    console.error(`[import] Cannot import ${checked.reason}. Nothing was changed.`);
    process.exit(1);
  }
  const n = checked.problems.length;
  console.error(
    [
      `[import] Refused: ${n.toLocaleString("en-GB")} of ${checked.rowsRead.toLocaleString("en-GB")} ${checked.rowsRead === 1 ? "row" : "rows"} cannot be read. Nothing was changed.`,
      ...formatProblems(checked.problems),
      parsed.args.isSkipInvalid ? "" : "Fix these rows, or run again with --skip-invalid to import the others.",
    ]
      .filter((l) => l !== "")
      .join("\n"),
  );
  process.exit(1);
}
log(`Read ${checked.prepared.rowsRead.toLocaleString("en-GB")} rows from ${checked.prepared.fileName}: ${checked.prepared.customers.length.toLocaleString("en-GB")} customers to write`);

const db = await openDatabase({ log });
let exitCode = 0;
try {
  const summary = await writeImport({ url: db.url, prepared: checked.prepared, log });
  console.log(formatImportReport({ ...summary, durationMs: performance.now() - started }));
} catch (err) {
  console.error(`[import] Failed, nothing was changed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  await db.release();
}
process.exit(exitCode);
