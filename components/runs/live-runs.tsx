"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, type ReactNode, useState } from "react";
import { cancelRunAction, runAgainAction } from "@/app/runs/actions";
import type { ActionResult } from "@/lib/action-result";
import type { Paginated } from "@/lib/queries/pagination";
import type { LiveWorker, RunDetailJson } from "@/lib/queries/runs";
import { PolicyBadge } from "../recommendations/policy-badge";
import { formatDateTime, formatNumber, plural } from "../ui/format";
import { secondaryButtonClass } from "../ui/form-controls";
import { Pagination } from "../ui/pagination";
import { RunProgress } from "./run-progress";
import { RunStatusBadge } from "./run-status-badge";
import { RunSummary } from "./run-summary";

export type RunsPage = Paginated<RunDetailJson> & { hasActive: boolean; hasActiveModelRun: boolean; workers: LiveWorker[] };

export const RUNS_QUERY_KEY = "runs";
/** How often the list refreshes while a run is queued or running. */
const LIVE_INTERVAL_MS = 1_000;
/** How often it looks for a run started elsewhere (another tab, the command line) while none is active. */
const IDLE_INTERVAL_MS = 5_000;

async function fetchRuns(page: number): Promise<RunsPage> {
  const res = await fetch(`/api/runs?page=${page}`, { cache: "no-store" });
  if (!res.ok) throw new Error(`The runs could not be read (HTTP ${res.status}).`);
  return (await res.json()) as RunsPage;
}

const isActive = (r: RunDetailJson) => r.status === "queued" || r.status === "running";
const date = (iso: string | null) => (iso ? new Date(iso) : null);

/**
 * A server action on one run from its row: says the answer (or `failure` when it was not sent) in
 * the list's message line and refreshes the list.
 */
function useRunAction<T>(action: () => Promise<ActionResult<T>>, said: { ok: (data: T) => string; failure: string }, onMessage: (m: string) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: action,
    onSuccess: (result) => {
      onMessage(result.ok ? said.ok(result.data) : result.message);
      void queryClient.invalidateQueries({ queryKey: [RUNS_QUERY_KEY] });
    },
    onError: () => onMessage(said.failure),
  });
}

const rowButtonClass = `${secondaryButtonClass} px-2 py-1 text-xs disabled:opacity-50`;

function CancelButton({ run, onMessage }: { run: RunDetailJson; onMessage: (m: string) => void }) {
  const cancel = useRunAction(
    () => cancelRunAction({ runId: run.id }),
    {
      ok: (data) => (data.isAlreadyRequested ? "Cancellation was already requested." : "Cancellation requested: a run still deciding stops now, one allocating after its current batch."),
      failure: "The cancellation could not be sent; check the connection and try again.",
    },
    onMessage,
  );
  if (run.cancelRequested) return <span className="text-xs text-amber-700">Cancelling…</span>;
  return (
    <button type="button" className={rowButtonClass} onClick={() => cancel.mutate()} disabled={cancel.isPending} aria-label={`Cancel the run started ${formatDateTime(date(run.createdAt))}`} data-testid="run-cancel">
      {cancel.isPending ? "Cancelling…" : "Cancel"}
    </button>
  );
}

/** Starts a new run over the selection and with the policy of a run that failed or was cancelled; once per button. */
function RunAgainButton({ run, onMessage }: { run: RunDetailJson; onMessage: (m: string) => void }) {
  // One key per button: a repeated request (a retry, a double click) starts one run.
  const [requestKey] = useState(() => crypto.randomUUID());
  const again = useRunAction(
    () => runAgainAction({ runId: run.id, requestKey }),
    {
      ok: (data) => `Started again: a new run over the same selection, ${plural(data.total, "customer")}, at the top of the list.`,
      failure: "The run could not be started again; check the connection and try again.",
    },
    onMessage,
  );
  if (again.data?.ok) return <span className="text-xs text-zinc-500">Started again</span>;
  return (
    <button
      type="button"
      className={rowButtonClass}
      onClick={() => again.mutate()}
      disabled={again.isPending}
      aria-label={`Run again the run started ${formatDateTime(date(run.createdAt))}, over the same selection`}
      title="A new run over the same selection (made again now) with the same policy"
      data-testid="run-again"
    >
      {again.isPending ? "Starting…" : "Run again"}
    </button>
  );
}

/** An amber note above the list: something that keeps runs waiting, and what to do. */
function WaitingNote({ testId, liveWorkers, children }: { testId: string; liveWorkers?: number; children: ReactNode }) {
  return (
    <p className="mb-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status" data-testid={testId} data-live-workers={liveWorkers}>
      {children}
    </p>
  );
}

/** Whether any worker process will take a queued run (the web server only enqueues runs), and which. */
function WorkersLine({ workers, hasActive, hasActiveModelRun }: { workers: LiveWorker[]; hasActive: boolean; hasActiveModelRun: boolean }) {
  if (workers.length > 0) {
    const withModel = workers.filter((w) => w.hasModel).length;
    return (
      <>
        <details className="mb-1 text-xs text-zinc-500" data-testid="runs-workers" data-live-workers={workers.length} data-model-workers={withModel}>
          <summary className="cursor-pointer">
            {plural(workers.length, "worker")} taking jobs{withModel > 0 ? `, ${withModel === workers.length ? (withModel === 1 ? "with" : "all with") : `${formatNumber(withModel)} with`} the language model` : ""}
          </summary>
          <ul className="mt-1 space-y-0.5 pl-4" data-testid="runs-worker-list">
            {workers.map((w) => (
              <li key={`${w.host}:${w.pid}:${w.startedAt}`}>
                {w.host}, process {w.pid}:{" "}
                {w.hasModel
                  ? `${plural(w.concurrency, "chunk")} of deterministic runs and ${formatNumber(w.concurrency)} of language-model runs at a time`
                  : `${plural(w.concurrency, "chunk")} at a time, deterministic runs only`}
                , running since{" "}
                {formatDateTime(date(w.startedAt))}
              </li>
            ))}
          </ul>
        </details>
        {hasActiveModelRun && withModel === 0 ? (
          <WaitingNote testId="runs-no-model-worker">
            <strong className="font-semibold">No worker has the language model</strong>, so the language-model runs in progress wait until one starts with{" "}
            <code>OPENAI_API_KEY</code> set: a worker without it takes deterministic runs only.
          </WaitingNote>
        ) : null}
      </>
    );
  }
  return (
    <WaitingNote testId="runs-workers" liveWorkers={0}>
      <strong className="font-semibold">No worker is taking jobs</strong>
      {hasActive ? ", so the runs in progress wait" : ", so a run started now would wait"} until one starts: <code>npm run worker</code> on any machine that
      reaches the database, or <code>npm start</code> with <code>WORKERS</code> of 1 or more.
    </WaitingNote>
  );
}

/** The runs, refreshed every second while any is in progress and every five seconds otherwise: progress, cancel, run again and summaries. */
export function LiveRuns({ initial, page, canCancel, canStart }: { initial: RunsPage; page: number; canCancel: boolean; canStart: boolean }) {
  const [openId, setOpenId] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const query = useQuery({
    queryKey: [RUNS_QUERY_KEY, page],
    queryFn: () => fetchRuns(page),
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.hasActive ? LIVE_INTERVAL_MS : IDLE_INTERVAL_MS),
  });
  const data = query.data;

  return (
    <div>
      <WorkersLine workers={data.workers} hasActive={data.hasActive} hasActiveModelRun={data.hasActiveModelRun} />
      <div className="mb-2 min-h-5 text-sm" aria-live="polite" data-testid="runs-message">
        {query.isError ? <span className="text-red-700">Live updates paused: {(query.error as Error).message}</span> : message}
      </div>
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-zinc-200 text-sm" data-testid="runs-table">
          <caption className="sr-only">Runs</caption>
          <thead className="bg-zinc-50">
            <tr>
              {["Run", "Status and policy", "Progress", ""].map((h, i) => (
                <th key={h || i} scope="col" className="whitespace-nowrap px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
                  {h || <span className="sr-only">Actions</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {data.rows.length === 0 ? (
              <tr>
                <td colSpan={4} className="px-3 py-10 text-center text-sm text-zinc-600" data-testid="table-empty">
                  No runs yet. Start one above.
                </td>
              </tr>
            ) : (
              data.rows.map((run) => {
                const isOpen = openId === run.id;
                const canShowDetail = Boolean(run.summary || run.error);
                return (
                  <Fragment key={run.id}>
                    <tr className="hover:bg-zinc-50" data-testid="run-row" data-run-id={run.id} data-status={run.status}>
                      <td className="px-3 py-2 align-top">
                        <div className="whitespace-nowrap font-medium text-zinc-900">{formatDateTime(date(run.createdAt))}</div>
                        <div className="text-xs text-zinc-600">{run.scope}</div>
                        <div className="text-xs text-zinc-500">{run.requestedBy ? `by ${run.requestedBy}` : "from the command line"}</div>
                      </td>
                      <td className="px-3 py-2 align-top">
                        <div className="flex flex-col items-start gap-1">
                          <RunStatusBadge status={run.status} />
                          <PolicyBadge policy={run.policy} />
                        </div>
                      </td>
                      <td className="px-3 py-2 align-top">
                        <RunProgress processed={run.processed} total={run.total} status={run.status} phase={run.phase} decided={run.decided} label={`Progress of the run started ${formatDateTime(date(run.createdAt))}`} />
                        <div className={`text-xs tabular-nums ${run.failed > 0 ? "font-medium text-red-700" : "text-zinc-500"}`} data-testid="run-failed">
                          {formatNumber(run.failed)} failed
                        </div>
                      </td>
                      <td className="whitespace-nowrap px-3 py-2 text-right align-top">
                        <div className="flex items-center justify-end gap-2">
                          {isActive(run) && canCancel ? <CancelButton run={run} onMessage={setMessage} /> : null}
                          {(run.status === "failed" || run.status === "cancelled") && canStart ? <RunAgainButton run={run} onMessage={setMessage} /> : null}
                          {canShowDetail ? (
                            <button
                              type="button"
                              className={`${secondaryButtonClass} px-2 py-1 text-xs`}
                              aria-expanded={isOpen}
                              aria-controls={`run-detail-${run.id}`}
                              onClick={() => setOpenId(isOpen ? null : run.id)}
                              data-testid="run-toggle-summary"
                            >
                              {isOpen ? "Hide summary" : "Summary"}
                            </button>
                          ) : null}
                        </div>
                      </td>
                    </tr>
                    {isOpen ? (
                      <tr id={`run-detail-${run.id}`} className="bg-zinc-50/60" data-testid="run-detail">
                        <td colSpan={4} className="px-4 py-4">
                          {run.error ? (
                            <p className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" role="alert">
                              {run.status === "cancelled" ? run.error : `The run failed: ${run.error}`}
                            </p>
                          ) : null}
                          {run.summary ? (
                            <>
                              {run.summary.isCancelled ? (
                                <p className="mb-3 text-sm text-amber-800" data-testid="run-cancelled-note">
                                  {run.processed === 0
                                    ? `Cancelled after deciding ${formatNumber(run.decided)} of ${plural(run.total, "customer")}; no capacity was held and no recommendation written.`
                                    : `Cancelled after allocating ${formatNumber(run.processed)} of ${plural(run.total, "customer")}; their recommendations and holds were kept, the rest let go.`}
                                </p>
                              ) : null}
                              <RunSummary summary={run.summary} decisionsNow={run.decisionsNow} isModelRun={run.policy === "llm"} />
                            </>
                          ) : null}
                          <p className="mt-3 text-xs text-zinc-500">
                            Started {formatDateTime(date(run.startedAt))} · finished {formatDateTime(date(run.finishedAt))}
                          </p>
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })
            )}
          </tbody>
        </table>
      </div>
      {data.total > 0 ? <Pagination {...data} noun="run" basePath="/runs" /> : null}
    </div>
  );
}
