// `npm run import -- FILE [--kind customers|events|permissions] [--mapping M] [--skip-invalid]`: loads customers (or their
// journey events, or their contact permissions) from a CSV or JSON file into
// DATABASE_URL, or the local database under .data/ (migrated first). The file's type, existence
// and size are checked before the database is reached; its rows are checked as they stream into
// one transaction, so a refused file changes nothing.
import { exitOnBadArgs } from "./args";
import { parseImportArgs, importUsage } from "../import/args";
import { formatImportReport, formatProblems, importFile, importLimitsFrom, mappingLayout, openImportFile, telcoLayout } from "../import/index";
import { readMappingFile } from "../import/mapping-file";
import { createProgressReporter } from "../import/progress";
import { formatRecordsReport, importRecords } from "../import/records";
import { databaseRetryFrom, runWithDatabase } from "../database/command";
import { getEnv } from "../env";
import { requestRefreshesAt } from "../jobs/queue";

const parsed = parseImportArgs(process.argv.slice(2));
if (!parsed.ok) exitOnBadArgs(parsed, importUsage);
const { filePath, isSkipInvalid, mappingPath, kind } = parsed.args;

const log = (m: string) => console.log(`[import] ${m}`);
const limits = importLimitsFrom();
const opened = await openImportFile({ filePath, limits });
if (!opened.ok) {
  if (opened.kind === "usage") {
    console.error(`[import] ${opened.reason}\n\n${importUsage}`);
    process.exit(2);
  }
  console.error(`[import] Cannot import ${opened.reason}. Nothing was changed.`);
  process.exit(1);
}

// A mapping that cannot be read stops the command before the file or the database is touched.
const mapping = mappingPath === null ? null : await readMappingFile(mappingPath);
if (mapping && !mapping.ok) {
  console.error([`[import] The mapping cannot be used. Nothing was changed.`, ...mapping.problems.map((p) => `  ${p}`)].join("\n"));
  process.exit(2);
}
const layout = mapping?.ok ? mappingLayout(mapping.mapping) : telcoLayout;

async function reopen() {
  const again = await openImportFile({ filePath, limits });
  if (!again.ok) throw new Error(`${filePath} cannot be read again: ${again.reason}`);
  return again.file;
}

// One transaction per attempt, so an attempt cut by a database outage changed nothing and the
// file is read again from the start on the next.
const exitCode = await runWithDatabase({ prefix: "[import]", log, retry: databaseRetryFrom(getEnv()) }, async (db, attempt) => {
  const file = attempt === 1 ? opened.file : await reopen();
  log(`Reading ${file.fileName}...`);
  const progress = createProgressReporter({ stream: process.stderr });
  const onProgress = progress.report;
  const outcome =
    kind === "customers"
      ? await importFile({ url: db.url, file, maxRows: limits.maxRows, isSkipInvalid, log, layout, onProgress })
      : await importRecords({ url: db.url, file, kind, maxRows: limits.maxRows, isSkipInvalid, log, onProgress });
  progress.end();
  if (outcome.ok) {
    console.log("kind" in outcome.summary ? formatRecordsReport(outcome.summary) : formatImportReport(outcome.summary));
    if (kind === "customers" || kind === "events") await requestRefreshesAt(db.url, ["insights"], log);
    return 0;
  }
  if (outcome.kind === "invalid_rows") {
    const n = outcome.problemsTotal;
    console.error(
      [
        `[import] Refused: ${n.toLocaleString("en-GB")} of ${outcome.rowsRead.toLocaleString("en-GB")} ${outcome.rowsRead === 1 ? "row" : "rows"} cannot be read. Nothing was changed.`,
        ...formatProblems(outcome.problems, { total: n }),
        isSkipInvalid ? "" : "Fix these rows, or run again with --skip-invalid to import the others.",
      ]
        .filter((l) => l !== "")
        .join("\n"),
    );
    return 1;
  }
  console.error(`[import] Cannot import ${outcome.reason}. Nothing was changed.`);
  return outcome.kind === "usage" ? 2 : 1;
}).catch((err: unknown) => {
  console.error(`[import] Failed, nothing was changed: ${(err as Error).message}`);
  return 1;
});
process.exit(exitCode);
