// Importing customers from a file: check everything first, then write it all in one transaction.
import { prepareImport } from "./prepare";
import type { PrepareResult } from "./prepare";
import type { ImportSummary } from "./report";
import { writeImport } from "./write";

export { checkText, prepareImport } from "./prepare";
export type { PreparedImport, PrepareResult } from "./prepare";
export { formatImportReport, formatProblems, PROBLEM_LISTING_CAP } from "./report";
export type { ImportSummary } from "./report";

export type ImportOutcome = { ok: true; summary: ImportSummary } | Exclude<PrepareResult, { ok: true }>;

/**
 * Imports the customers in `filePath` (CSV or JSON, Telco columns) into the database at `url`.
 * Refused files change nothing; `durationMs` covers reading, checking and writing.
 */
export async function importCustomersFile(opts: {
  url: string;
  filePath: string;
  isSkipInvalid?: boolean;
  log?: (m: string) => void;
  chunkSize?: number;
}): Promise<ImportOutcome> {
  const started = performance.now();
  const prepared = await prepareImport({ filePath: opts.filePath, isSkipInvalid: opts.isSkipInvalid ?? false });
  if (!prepared.ok) return prepared;
  const summary = await writeImport({ url: opts.url, prepared: prepared.prepared, log: opts.log, chunkSize: opts.chunkSize });
  return { ok: true, summary: { ...summary, durationMs: performance.now() - started } };
}
