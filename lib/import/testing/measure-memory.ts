// Measures `npm run import`'s peak memory on a large generated file with a bad last row, against a
// throw-away PostgreSQL of its own (never the app's database under .data/pg), and checks that the
// refused file changed nothing.
// Usage: npx tsx lib/import/testing/measure-memory.ts [--megabytes N] [--valid]
//   --megabytes N  size of the generated CSV (default 300)
//   --valid        leave the last row good, to measure an import that commits
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { exitOnBadArgs, parseCommandArgs, wholeNumberArg } from "../../cli/args";
import { ensureDatabaseExists, startLocalPostgres } from "../../database/embedded";
import { writeTelcoCsvFile } from "./big-file";
import { runImportCommand } from "./run-import";

const usage = "Usage: npx tsx lib/import/testing/measure-memory.ts [--megabytes N] [--valid]";
const parsed = parseCommandArgs(process.argv.slice(2), { megabytes: { type: "string", default: "300" }, valid: { type: "boolean", default: false } });
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const megabytes = wholeNumberArg("--megabytes", parsed.values.megabytes, { min: 1, max: 4_000 });
if (!megabytes.ok) exitOnBadArgs(megabytes, usage);
const isValid = parsed.values.valid;

const log = (m: string) => console.error(`[measure] ${m}`);
const TIME = "/usr/bin/time";

/** `npm run import -- file` under /usr/bin/time -v: its peak is the largest process of the command's tree. */
function timeNpmImport(file: string, databaseUrl: string): Promise<{ exitCode: number | null; output: string; peakRssMb: number; seconds: number }> {
  const child = spawn(TIME, ["-v", "npm", "run", "--silent", "import", "--", file], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode) => {
      const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(output);
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(output);
      if (!peak || !wall) return reject(new Error(`No measurement in:\n${output}`));
      const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
      resolve({ exitCode, output: output.slice(0, output.indexOf("\tCommand being timed")).trim(), peakRssMb: Number(peak[1]) / 1024, seconds });
    });
  });
}

const dir = await mkdtemp(path.join(tmpdir(), "cvm-import-measure-"));
const server = await startLocalPostgres({ dir: path.join(dir, "pg"), isEphemeral: true });
try {
  const file = path.join(dir, "customers.csv");
  log(`Writing ${megabytes.value} MB of Telco-layout CSV${isValid ? "" : " with a bad last row"}...`);
  const { rows, lastLine } = await writeTelcoCsvFile({ path: file, bytes: megabytes.value * 1_000_000, badLastRow: !isValid });
  const size = (await stat(file)).size;
  const url = server.urlFor("cvm_import_measure");
  await ensureDatabaseExists(server.urlFor("postgres"), "cvm_import_measure");

  log(`Importing ${rows.toLocaleString("en-GB")} rows (${(size / 1e6).toFixed(1)} MB)...`);
  const measured = existsSync(TIME)
    ? { how: "/usr/bin/time -v npm run import", ...(await timeNpmImport(file, url)) }
    : await (async () => {
        const t0 = performance.now();
        const run = await runImportCommand({ args: [file], databaseUrl: url });
        return { how: "node lib/cli/import.ts, process.resourceUsage().maxRSS", exitCode: run.exitCode, output: `${run.stdout}\n${run.stderr}`.trim(), peakRssMb: run.peakRssMb, seconds: (performance.now() - t0) / 1000 };
      })();

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const counts = await client.query<{ customers: number; batches: number }>(`SELECT (SELECT count(*) FROM "Customer")::int AS customers, (SELECT count(*) FROM "ImportBatch")::int AS batches`);
  await client.end();

  console.log(measured.output.split("\n").slice(-6).join("\n"));
  console.table({
    file: `${(size / 1e6).toFixed(1)} MB, ${rows.toLocaleString("en-GB")} rows${isValid ? "" : `, bad row on line ${lastLine.toLocaleString("en-GB")}`}`,
    measured: measured.how,
    "exit code": measured.exitCode,
    "peak RSS (MB)": Number(measured.peakRssMb.toFixed(1)),
    "seconds": Number(measured.seconds.toFixed(1)),
    "customers after": counts.rows[0]?.customers,
    "import batches after": counts.rows[0]?.batches,
  });
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
