// An uploaded file's dry run or import, as the Import screen asks for it: the same machinery as the
// command, with the signed-in person's audit entry written in the import's own transaction.
import type { Actor } from "../auth/roles";
import { writeAudit } from "../audit/write";
import { dryRunFile, importFile, importLimitsFrom, mappingLayout, telcoLayout, type ImportProgress } from "./index";
import { parseMappingText } from "./mapping-file";
import { importRecords } from "./records";
import { openImportFile, type RowProblem } from "./source";
import type { Upload } from "./uploads";

export type UploadKind = "customers" | "events" | "permissions";

/** What the screen shows once a dry run or an import is over. */
export type UploadResult =
  | {
      ok: true;
      isDryRun: boolean;
      /** The import batch written; null for a dry run. */
      batchId: string | null;
      rowsRead: number;
      inserted: number;
      updated: number;
      unchanged: number;
      /** Rows refused (dry run) or skipped (import), the first in file order. */
      refused: RowProblem[];
      refusedTotal: number;
      notes: string[];
    }
  /** Nothing was changed; `problems` lists rows when rows were the reason. */
  | { ok: false; message: string; problems: RowProblem[]; problemsTotal: number };

const count = (n: number) => n.toLocaleString("en-GB");

/**
 * Dry-runs or imports `upload` into the database at `url`. Refusals are results, not exceptions:
 * a mapping that cannot be read, a file that cannot be read, rows that cannot be imported.
 */
export async function runUpload(opts: {
  url: string;
  upload: Upload;
  kind: UploadKind;
  /** A mapping's JSON for customers in another layout; null for the Telco layout. */
  mappingText: string | null;
  isDryRun: boolean;
  isSkipInvalid: boolean;
  actor: Actor;
  onProgress?: (p: ImportProgress) => void;
}): Promise<UploadResult> {
  let layout = telcoLayout;
  let mappingName: string | null = null;
  if (opts.kind === "customers" && opts.mappingText !== null) {
    const checked = parseMappingText(opts.mappingText);
    if (!checked.ok) return { ok: false, message: `The mapping cannot be used: ${checked.problems.join("; ")}`, problems: [], problemsTotal: 0 };
    layout = mappingLayout(checked.mapping);
    mappingName = checked.mapping.name;
  }
  const limits = importLimitsFrom();
  const opened = await openImportFile({ filePath: opts.upload.filePath, limits });
  if (!opened.ok) return { ok: false, message: `Cannot import ${opened.reason}. Nothing was changed.`, problems: [], problemsTotal: 0 };
  const { file } = opened;

  const audit = (batchId: string, after: Record<string, unknown>) => ({
    actor: opts.actor,
    action: "import.run" as const,
    entityType: "ImportBatch",
    entityId: batchId,
    before: null,
    after: { kind: opts.kind, fileName: file.fileName, ...(mappingName ? { mapping: mappingName } : {}), ...after },
  });

  if (opts.kind !== "customers") {
    const outcome = await importRecords({
      url: opts.url,
      file,
      kind: opts.kind,
      maxRows: limits.maxRows,
      isSkipInvalid: opts.isSkipInvalid,
      isDryRun: opts.isDryRun,
      onProgress: opts.onProgress,
      beforeCommit: (client, s) =>
        writeAudit(client, audit(s.batchId!, { rowsRead: s.rowsRead, inserted: s.inserted, updated: s.updated, unchanged: s.unchanged, skipped: s.skippedTotal })),
    });
    if (!outcome.ok) return refusal(outcome, opts.isSkipInvalid);
    const s = outcome.summary;
    return { ok: true, isDryRun: opts.isDryRun, batchId: s.batchId, rowsRead: s.rowsRead, inserted: s.inserted, updated: s.updated, unchanged: s.unchanged, refused: s.skipped, refusedTotal: s.skippedTotal, notes: s.notes };
  }

  if (opts.isDryRun) {
    const outcome = await dryRunFile({ url: opts.url, file, maxRows: limits.maxRows, layout, onProgress: opts.onProgress });
    if (!outcome.ok) return { ok: false, message: `Cannot import ${outcome.reason}. Nothing was changed.`, problems: [], problemsTotal: 0 };
    const d = outcome.dryRun;
    return { ok: true, isDryRun: true, batchId: null, rowsRead: d.rowsRead, inserted: d.inserted, updated: d.updated, unchanged: 0, refused: d.refused, refusedTotal: d.refusedTotal, notes: [] };
  }

  const outcome = await importFile({
    url: opts.url,
    file,
    maxRows: limits.maxRows,
    isSkipInvalid: opts.isSkipInvalid,
    layout,
    onProgress: opts.onProgress,
    beforeCommit: (client, w) =>
      writeAudit(client, audit(w.batchId, { inserted: w.inserted, updated: w.updated })),
  });
  if (!outcome.ok) return refusal(outcome, opts.isSkipInvalid);
  const s = outcome.summary;
  return { ok: true, isDryRun: false, batchId: s.batchId, rowsRead: s.rowsRead, inserted: s.inserted, updated: s.updated, unchanged: 0, refused: s.skipped, refusedTotal: s.skippedTotal, notes: s.notes };
}

function refusal(
  outcome: { ok: false; kind: string; reason?: string; rowsRead?: number; problems?: RowProblem[]; problemsTotal?: number },
  isSkipInvalid: boolean,
): UploadResult {
  if (outcome.kind === "invalid_rows") {
    const total = outcome.problemsTotal ?? 0;
    const message =
      total === 0
        ? "No row could be imported. Nothing was changed."
        : `${count(total)} of ${count(outcome.rowsRead ?? 0)} rows cannot be imported. Nothing was changed.${isSkipInvalid ? "" : " Fix them, or import the others by skipping invalid rows."}`;
    return { ok: false, message, problems: outcome.problems ?? [], problemsTotal: total };
  }
  return { ok: false, message: `Cannot import ${outcome.reason ?? "the file"}. Nothing was changed.`, problems: [], problemsTotal: 0 };
}
