// Runs `npm run import`'s code in a child process against a given database, with the node flags
// the npm script gives it, and measures its peak memory as a person running the command would.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../../..");
const SCRIPT = "lib/cli/import.ts";

/** The node flags of package.json's "import" script (`node <flags> lib/cli/import.ts`). */
export function importScriptFlags(): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const words = (scripts.import ?? "").split(/\s+/);
  if (words[0] !== "node" || words.at(-1) !== SCRIPT) throw new Error(`package.json's import script is not "node <flags> ${SCRIPT}": ${scripts.import}`);
  return words.slice(1, -1);
}

export type ImportRun = { exitCode: number | null; stdout: string; stderr: string; peakRssMb: number; seconds: number };

/** Runs lib/cli/import.ts on `args` with DATABASE_URL set to `databaseUrl` (never the app's own database). */
export function runImportCommand(opts: { args: string[]; databaseUrl: string; env?: Record<string, string> }): Promise<ImportRun> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...importScriptFlags(), "--import", path.join(root, "lib/import/testing/report-peak-rss.mjs"), path.join(root, SCRIPT), ...opts.args],
    { cwd: root, env: { ...process.env, ...opts.env, DATABASE_URL: opts.databaseUrl }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode) => {
      const peak = /peak-rss-kb (\d+)/.exec(stderr);
      if (!peak) return reject(new Error(`The import printed no peak memory:\n${stderr}`));
      const seconds = (performance.now() - started) / 1000;
      resolve({ exitCode, stdout, stderr: stderr.replace(peak[0], "").trim(), peakRssMb: Number(peak[1]) / 1024, seconds });
    });
  });
}
