"use client";
// Over 300 lines because the import is one flow (upload, preview, mapping, dry run, progress) sharing its state.

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type ChangeEvent, useState } from "react";
import type { UploadResult } from "@/lib/import/run-upload";
import type { ImportProgress } from "@/lib/import/report";
import { formatNumber, plural } from "../ui/format";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";

export type SavedMappingOption = { id: string; name: string; description: string | null; text: string };
type Kind = "customers" | "events" | "permissions";
type Uploaded = { uploadId: string; fileName: string; size: number; columns: string[]; rows: Record<string, string>[]; problem: string | null; suggestedMapping: string | null };
type RunEvent = { type: "progress"; progress: ImportProgress } | { type: "result"; result: UploadResult };

const BUILT_IN = "builtin";
const EDITED = "edited";
const KIND_LABELS: Record<Kind, string> = { customers: "Customers", events: "Journey events", permissions: "Contact permissions" };
const NOUNS: Record<Kind, string> = { customers: "customer", events: "event", permissions: "permission" };

/** Reads a body of one JSON object per line, handing each on as it arrives. */
async function readLines(body: ReadableStream<Uint8Array>, onEvent: (e: RunEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += decoder.decode(value, { stream: true });
    let end = pending.indexOf("\n");
    while (end >= 0) {
      const line = pending.slice(0, end).trim();
      pending = pending.slice(end + 1);
      if (line) onEvent(JSON.parse(line) as RunEvent);
      end = pending.indexOf("\n");
    }
  }
}

function ProgressView({ progress, isDryRun, kind }: { progress: ImportProgress; isDryRun: boolean; kind: Kind }) {
  const isWriting = progress.phase === "writing" && progress.total !== undefined;
  const total = progress.total ?? 0;
  const written = progress.written ?? 0;
  const text = isWriting
    ? `Writing ${formatNumber(written)} of ${plural(total, NOUNS[kind])}…`
    : `${isDryRun ? "Checking" : "Reading"}: ${plural(progress.rowsRead, "row")} so far…`;
  return (
    <div className="mt-4" data-testid="import-progress">
      <p className="text-sm text-zinc-700" aria-live="polite">
        {text}
      </p>
      <div
        role="progressbar"
        aria-label="Import progress"
        aria-valuemin={0}
        aria-valuemax={isWriting ? total : undefined}
        aria-valuenow={isWriting ? written : undefined}
        className="mt-1 h-2 w-full overflow-hidden rounded bg-zinc-100"
      >
        <div className={`h-full bg-indigo-500 ${isWriting ? "" : "animate-pulse"}`} style={{ width: isWriting && total > 0 ? `${Math.round((written / total) * 100)}%` : "100%" }} />
      </div>
    </div>
  );
}

function ProblemList({ problems, total }: { problems: { where: string; reason: string }[]; total: number }) {
  if (problems.length === 0) return null;
  const shown = problems.slice(0, 20);
  return (
    <ul className="mt-2 max-h-60 list-disc overflow-y-auto pl-5 text-sm text-zinc-700" data-testid="import-problems">
      {shown.map((p) => (
        <li key={`${p.where}:${p.reason}`}>
          <span className="font-medium">{p.where}</span>: {p.reason}
        </li>
      ))}
      {total > shown.length ? <li>… and {formatNumber(total - shown.length)} more</li> : null}
    </ul>
  );
}

function ResultView({ result, kind }: { result: UploadResult; kind: Kind }) {
  if (!result.ok) {
    return (
      <div role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="import-result">
        <p>{result.message}</p>
        <ProblemList problems={result.problems} total={result.problemsTotal} />
      </div>
    );
  }
  const noun = NOUNS[kind];
  const changes = `${plural(result.inserted, `new ${noun}`)}, ${formatNumber(result.updated)} updated${kind === "customers" ? "" : `, ${formatNumber(result.unchanged)} already as given`}`;
  return (
    <div className="mt-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-950" data-testid="import-result" role="status">
      {result.isDryRun ? (
        <p>
          Dry run of {plural(result.rowsRead, "row")}: would add {changes}; {plural(result.refusedTotal, "row")} would be refused. Nothing was changed.
        </p>
      ) : (
        <p>
          Imported {plural(result.rowsRead, "row")}: {changes}; {plural(result.refusedTotal, "row")} skipped.{" "}
          {result.batchId ? (
            <Link href={`/import/${result.batchId}`} className="font-medium text-indigo-700 hover:underline">
              See the batch
            </Link>
          ) : null}
        </p>
      )}
      <ProblemList problems={result.refused} total={result.refusedTotal} />
    </div>
  );
}

/** Upload a file, look at its first rows and mapping, dry-run it, then import it with live progress. */
export function ImportPanel({ savedMappings }: { savedMappings: SavedMappingOption[] }) {
  const router = useRouter();
  const [kind, setKind] = useState<Kind>("customers");
  const [uploaded, setUploaded] = useState<Uploaded | null>(null);
  const [mappingChoice, setMappingChoice] = useState<string>(BUILT_IN);
  const [mappingText, setMappingText] = useState("");
  const [isSkipInvalid, setIsSkipInvalid] = useState(false);
  const [busy, setBusy] = useState<"uploading" | "dry-run" | "import" | null>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [result, setResult] = useState<UploadResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  function chooseMapping(id: string) {
    setMappingChoice(id);
    const saved = savedMappings.find((m) => m.id === id);
    if (saved) setMappingText(saved.text);
  }

  async function upload(file: File, forKind: Kind) {
    setBusy("uploading");
    setUploaded(null);
    setResult(null);
    setError(null);
    try {
      const res = await fetch(`/api/import/uploads?kind=${forKind}`, { method: "POST", body: file, headers: { "X-File-Name": encodeURIComponent(file.name) } });
      const body = (await res.json()) as Uploaded | { message: string };
      if (!res.ok || "message" in body) {
        setError("message" in body ? body.message : "The file could not be uploaded.");
        return;
      }
      setUploaded(body);
      chooseMapping(body.suggestedMapping ?? BUILT_IN);
    } catch {
      setError("The server could not be reached; the file was not uploaded. Try again.");
    } finally {
      setBusy(null);
    }
  }

  function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file) void upload(file, kind);
  }

  async function start(isDryRun: boolean) {
    if (!uploaded || busy) return;
    setBusy(isDryRun ? "dry-run" : "import");
    setProgress({ phase: "reading", rowsRead: 0 });
    setResult(null);
    setError(null);
    try {
      const res = await fetch("/api/import/runs", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ uploadId: uploaded.uploadId, kind, mapping: kind === "customers" && mappingChoice !== BUILT_IN ? mappingText : null, isDryRun, isSkipInvalid }),
      });
      if (!res.ok || !res.body || !res.headers.get("content-type")?.startsWith("application/x-ndjson")) {
        const body = (await res.json().catch(() => null)) as { message?: string } | null;
        setError(body?.message ?? "The import could not be started.");
        return;
      }
      await readLines(res.body, (e) => (e.type === "progress" ? setProgress(e.progress) : setResult(e.result)));
      if (!isDryRun) router.refresh();
    } catch {
      setError("The connection was lost before the import answered. Look at the import batches below before trying again.");
    } finally {
      setBusy(null);
      setProgress(null);
    }
  }

  const savedChoice = savedMappings.find((m) => m.id === mappingChoice);
  return (
    <div className="mb-8 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="import-panel">
      <div className="grid gap-4 md:grid-cols-[1fr_2fr]">
        <div>
          <label htmlFor="import-kind" className={labelClass}>
            What the file holds
          </label>
          <select
            id="import-kind"
            className={inputClass}
            value={kind}
            disabled={busy !== null}
            onChange={(e) => {
              setKind(e.target.value as Kind);
              setUploaded(null);
              setResult(null);
            }}
          >
            {(Object.keys(KIND_LABELS) as Kind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="import-file" className={labelClass}>
            File (CSV with a header row, or JSON)
          </label>
          <input id="import-file" type="file" accept=".csv,.json" className={inputClass} disabled={busy !== null} onChange={onFile} />
          {busy === "uploading" ? <p className="mt-1 text-sm text-zinc-600">Uploading…</p> : null}
        </div>
      </div>
      {error ? (
        <p role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="import-error">
          {error}
        </p>
      ) : null}

      {uploaded ? (
        <>
          <h3 className="mt-5 text-sm font-semibold text-zinc-900">
            First rows of {uploaded.fileName} ({formatNumber(uploaded.size)} bytes)
          </h3>
          {uploaded.problem ? (
            <p role="alert" className="mt-1 text-sm text-red-800">
              {uploaded.problem}
            </p>
          ) : null}
          <div className="mt-2 overflow-x-auto rounded-md border border-zinc-200">
            <table className="min-w-full text-xs" data-testid="import-preview">
              <thead className="bg-zinc-50">
                <tr>
                  {uploaded.columns.map((c) => (
                    <th key={c} scope="col" className="whitespace-nowrap px-2 py-1 text-left font-semibold text-zinc-700">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {uploaded.rows.map((row, i) => (
                  <tr key={i}>
                    {uploaded.columns.map((c) => (
                      <td key={c} className="whitespace-nowrap px-2 py-1 text-zinc-800">
                        {row[c]}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          {kind === "customers" ? (
            <div className="mt-5">
              <label htmlFor="import-mapping" className={labelClass}>
                Mapping
              </label>
              <select id="import-mapping" className={`${inputClass} md:w-1/2`} value={mappingChoice} disabled={busy !== null} onChange={(e) => chooseMapping(e.target.value)}>
                <option value={BUILT_IN}>Telco layout (built in, no mapping)</option>
                {savedMappings.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
                <option value={EDITED}>Edited here</option>
              </select>
              {savedChoice?.description ? <p className="mt-1 text-xs text-zinc-600">{savedChoice.description}</p> : null}
              {mappingChoice !== BUILT_IN ? (
                <>
                  <label htmlFor="import-mapping-text" className={`${labelClass} mt-3`}>
                    Mapping JSON (edit in place; see the README for what each field may say)
                  </label>
                  <textarea
                    id="import-mapping-text"
                    className={`${inputClass} h-64 font-mono text-xs`}
                    spellCheck={false}
                    value={mappingText}
                    disabled={busy !== null}
                    onChange={(e) => {
                      setMappingText(e.target.value);
                      setMappingChoice(EDITED);
                    }}
                  />
                </>
              ) : null}
            </div>
          ) : null}

          <div className="mt-5 flex flex-wrap items-center gap-3">
            <label className="flex items-center gap-2 text-sm text-zinc-700">
              <input type="checkbox" checked={isSkipInvalid} disabled={busy !== null} onChange={(e) => setIsSkipInvalid(e.target.checked)} />
              Skip invalid rows (import the others)
            </label>
            <button type="button" className={secondaryButtonClass} disabled={busy !== null} onClick={() => void start(true)}>
              {busy === "dry-run" ? "Checking…" : "Dry run"}
            </button>
            <button type="button" className={primaryButtonClass} disabled={busy !== null} onClick={() => void start(false)}>
              {busy === "import" ? "Importing…" : "Import"}
            </button>
          </div>
        </>
      ) : null}

      {progress && busy !== "uploading" ? <ProgressView progress={progress} isDryRun={busy === "dry-run"} kind={kind} /> : null}
      {result ? <ResultView result={result} kind={kind} /> : null}
    </div>
  );
}
