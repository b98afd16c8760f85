// `npm run outcomes:import -- FILE`: records what happened after decisions from a CSV file into
// DATABASE_URL, or the local database under .data/ (migrated first). Every row is checked as it
// streams into one transaction, so a refused file changes nothing.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { exitOnBadArgs, parseCommandArgs } from "./args";
import { databaseRetryFrom, runWithDatabase } from "../database/command";
import { requestRefreshesAt } from "../jobs/queue";
import { getEnv } from "../env";
import { OUTCOME_HEADER } from "../outcomes/columns";
import { formatOutcomeProblems, importOutcomes } from "../outcomes/import";

const usage = `Usage: npm run outcomes:import -- FILE

FILE is CSV with the header ${OUTCOME_HEADER.join(",")}.
contact_made and the stay columns read true/false (or yes/no, 1/0); a blank stay column is a window
not closed yet. response is accepted, declined or ignored, blank when no contact was made.
recorded_at is ISO 8601 with its offset (2026-03-01T10:00:00Z). A decision already reported is updated.`;

const parsed = parseCommandArgs(process.argv.slice(2), {}, { maxPositionals: 1 });
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const filePath = parsed.positionals[0];
if (!filePath) {
  console.error(`[outcomes] Name the file to import.\n\n${usage}`);
  process.exit(2);
}
const info = await stat(filePath).catch(() => null);
if (!info?.isFile()) {
  console.error(`[outcomes] Cannot import ${filePath}: no such file. Nothing was changed.`);
  process.exit(1);
}

const log = (m: string) => console.log(`[outcomes] ${m}`);
// One transaction per attempt: an attempt cut by a database outage changed nothing, and the next
// reads the file again from the start.
const exitCode = await runWithDatabase({ prefix: "[outcomes]", log, retry: databaseRetryFrom(getEnv()) }, async (db) => {
  log(`Reading ${filePath}...`);
  const result = await importOutcomes({ url: db.url, input: createReadStream(filePath) });
  if (result.ok) {
    log(`Imported ${result.rowsRead.toLocaleString("en-GB")} outcomes: ${result.inserted.toLocaleString("en-GB")} new, ${result.updated.toLocaleString("en-GB")} updated.`);
    await requestRefreshesAt(db.url, ["learnedEffects", "insights"], log);
    return 0;
  }
  console.error([`[outcomes] Refused: ${result.problemsTotal.toLocaleString("en-GB")} problems in ${result.rowsRead.toLocaleString("en-GB")} rows. Nothing was changed.`, ...formatOutcomeProblems(result.problems, result.problemsTotal)].join("\n"));
  return 1;
}).catch((err: unknown) => {
  console.error(`[outcomes] Failed, nothing was changed: ${(err as Error).message}`);
  return 1;
});
process.exit(exitCode);
