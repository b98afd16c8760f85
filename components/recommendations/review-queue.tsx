"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import {
  type ReviewActionResult,
  approveRecommendationsAction,
  overrideRecommendationAction,
  rejectRecommendationsAction,
  selectMatchingReviewsAction,
  undoReviewsAction,
} from "@/app/review/actions";
import type { ActionResult } from "@/lib/action-result";
import { describeReviewOutcome } from "@/lib/pipeline/review/describe";
import type { ReviewKind, ReviewOutcome } from "@/lib/pipeline/review/types";
import type { MatchingSelection, ReviewQueueRow } from "@/lib/queries/recommendations";
import { MAX_REVIEW_IDS, REVIEW_BATCH_SIZE, type ReviewFilter } from "@/lib/validations/review";
import { CONSTRAINTS_QUERY_KEY } from "../constraints/query-key";
import { Dialog } from "../ui/dialog";
import { formatMoney, formatNumber, plural } from "../ui/format";
import { primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";
import { type SelectionTotals, ReviewBulkBar, capacityText } from "./review-bulk-bar";
import { type ChosenReason, type ReasonOption, OverrideForm, RejectForm } from "./review-forms";
import { ReviewTable } from "./review-table";
import { useReviewShortcuts } from "./use-review-shortcuts";

type Notice = { tone: "success" | "warning" | "error"; text: string };
/** What the last action changed, so it can be undone while the window is open. */
type Undoable = { text: string; ids: string[] };
type OpenDialog = { kind: "approve"; ids: string[]; totals: SelectionTotals } | { kind: "reject"; ids: string[] } | { kind: "override"; row: ReviewQueueRow } | null;

const NOTICE_CLASSES: Record<Notice["tone"], string> = {
  success: "border-emerald-200 bg-emerald-50 text-emerald-900",
  warning: "border-amber-200 bg-amber-50 text-amber-900",
  error: "border-red-200 bg-red-50 text-red-800",
};

type ReviewQueueProps = {
  rows: ReviewQueueRow[];
  /** Every pending recommendation the filter matches, on all pages. */
  matchingTotal: number;
  /** The filter of the page, as the URL gave it: what "select all matching" selects by. */
  filter: ReviewFilter;
  /** False for viewers: the queue reads, nothing acts. */
  canReview: boolean;
  /** Capacity resource names by key. */
  resourceNames: Readonly<Record<string, string>>;
  reasons: { reject: ReasonOption[]; override: ReasonOption[] };
  undoMinutes: number;
};

/** Totals of the rows selected on this page, as the selection bar shows them before a bulk action. */
function pageTotals(rows: ReviewQueueRow[], ids: ReadonlySet<string>, resourceNames: Readonly<Record<string, string>>): SelectionTotals {
  let cents = 0;
  const byResource = new Map<string, SelectionTotals["capacity"][number]>();
  for (const r of rows) {
    if (!ids.has(r.id)) continue;
    cents += Math.round(r.expectedValue * 100);
    const key = r.treatment?.resourceKey;
    if (!key) continue;
    const entry = byResource.get(key) ?? { resourceKey: key, name: resourceNames[key] ?? key, unit: "contacts", units: 0, recommendations: 0 };
    entry.units += r.treatment!.unitsPerContact;
    entry.recommendations += 1;
    byResource.set(key, entry);
  }
  return { count: [...ids].filter((id) => rows.some((r) => r.id === id)).length, expectedValue: cents / 100, capacity: [...byResource.values()] };
}

function batches<T>(ids: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/**
 * The pending recommendations of one page with row and bulk review. A selection can widen to every
 * recommendation the filter matches; bulk actions run in batches with progress, and the last action
 * can be undone. Keys work from page load: j / k move, x selects, a approves, r rejects, o overrides.
 */
export function ReviewQueue({ rows, matchingTotal, filter, canReview, resourceNames, reasons, undoMinutes }: ReviewQueueProps) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [matching, setMatching] = useState<MatchingSelection | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [undoable, setUndoable] = useState<Undoable | null>(null);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ finished: number; total: number } | null>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const [isPending, startTransition] = useTransition();

  const pageIds = rows.map((r) => r.id);
  const selectedOnPage = pageIds.filter((id) => selected.has(id));
  const isAllSelected = rows.length > 0 && selectedOnPage.length === rows.length;
  const focused = rows[Math.min(focusIndex, rows.length - 1)] ?? null;
  const totals: SelectionTotals = matching ?? pageTotals(rows, selected, resourceNames);
  const selectionIds = matching ? matching.ids : selectedOnPage;

  function clearSelection() {
    setSelected(new Set());
    setMatching(null);
  }

  function toggle(id: string) {
    setMatching(null);
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  /** Runs one review over `ids` in batches, one transaction each; a refused batch stops the rest and says so, the earlier ones stay done. */
  function perform(opts: { ids: string[]; kind: ReviewKind; run: (ids: string[]) => Promise<ActionResult<ReviewActionResult>>; fromDialog?: boolean }) {
    setDialogError(null);
    startTransition(async () => {
      const outcome: ReviewOutcome = { done: [], skipped: [] };
      let failure: string | null = null;
      const all = batches(opts.ids, REVIEW_BATCH_SIZE);
      if (all.length > 1) setProgress({ finished: 0, total: opts.ids.length });
      let finished = 0;
      for (const batch of all) {
        const result = await opts.run(batch);
        if (!result.ok) {
          failure = result.message;
          break;
        }
        outcome.done.push(...result.data.done);
        outcome.skipped.push(...result.data.skipped);
        finished += batch.length;
        if (all.length > 1) setProgress({ finished, total: opts.ids.length });
      }
      setProgress(null);
      // A refused action can mean someone else reviewed first, so the capacity strip re-reads either way.
      void queryClient.invalidateQueries({ queryKey: CONSTRAINTS_QUERY_KEY });
      if (failure && outcome.done.length === 0 && outcome.skipped.length === 0) {
        if (opts.fromDialog) setDialogError(failure);
        else setNotice({ tone: "error", text: failure });
        return;
      }
      clearSelection();
      setDialog(null);
      const text = describeReviewOutcome(opts.kind, outcome) + (failure ? `. Stopped after ${formatNumber(finished)}: ${failure}` : "");
      setNotice(outcome.skipped.length > 0 || failure ? { tone: "warning", text } : null);
      setUndoable(outcome.done.length > 0 ? { text: describeReviewOutcome(opts.kind, { done: outcome.done, skipped: [] }), ids: outcome.done } : null);
      router.refresh();
    });
  }

  function undo(target: Undoable) {
    startTransition(async () => {
      const undone: string[] = [];
      const refused: string[] = [];
      for (const batch of batches(target.ids, MAX_REVIEW_IDS)) {
        const result = await undoReviewsAction({ ids: batch });
        if (!result.ok) {
          setNotice({ tone: "error", text: result.message });
          return;
        }
        undone.push(...result.data.undone);
        refused.push(...result.data.refused.map((r) => r.reason));
      }
      void queryClient.invalidateQueries({ queryKey: CONSTRAINTS_QUERY_KEY });
      setUndoable(null);
      const reasonsText = [...new Set(refused)].join("; ");
      setNotice({ tone: refused.length > 0 ? "warning" : "success", text: `Undid ${formatNumber(undone.length)}${refused.length > 0 ? `; ${refused.length} not undone: ${reasonsText}` : ""}` });
      router.refresh();
    });
  }

  function selectAllMatching() {
    startTransition(async () => {
      const result = await selectMatchingReviewsAction({ filter });
      if (!result.ok) {
        setNotice({ tone: "error", text: result.message });
        return;
      }
      if (result.data.isTooMany) {
        setNotice({ tone: "warning", text: `${formatNumber(result.data.count)} match: too many to select at once. Narrow the filter.` });
        return;
      }
      setMatching(result.data);
      setSelected(new Set(pageIds));
    });
  }

  const approve = (ids: string[]) => perform({ ids, kind: "approve", run: (batch) => approveRecommendationsAction({ ids: batch }) });
  const reject = (ids: string[], reason: ChosenReason) =>
    perform({ ids, kind: "reject", run: (batch) => rejectRecommendationsAction({ ids: batch, ...reason }), fromDialog: true });
  const openDialog = (next: NonNullable<OpenDialog>) => {
    setDialogError(null);
    setDialog(next);
  };
  const closeDialog = () => setDialog(null);
  const askApproveSelection = () => openDialog({ kind: "approve", ids: selectionIds, totals });

  useReviewShortcuts({
    rowCount: rows.length,
    canReview,
    isPaused: dialog !== null || isPending,
    onMove: (delta) => {
      const next = Math.max(0, Math.min(rows.length - 1, focusIndex + delta));
      setFocusIndex(next);
      const id = rows[next]?.id;
      if (id) document.querySelector(`tr[data-row-id="${id}"]`)?.scrollIntoView({ block: "nearest" });
    },
    onToggle: () => focused && toggle(focused.id),
    // With a selection the keys act on it, after one confirmation naming how many; without one, on the highlighted row.
    onApprove: () => (selectionIds.length > 0 ? askApproveSelection() : focused && approve([focused.id])),
    onReject: () => (selectionIds.length > 0 ? openDialog({ kind: "reject", ids: selectionIds }) : focused && openDialog({ kind: "reject", ids: [focused.id] })),
    onOverride: () => focused && openDialog({ kind: "override", row: focused }),
  });

  return (
    <div>
      {canReview ? (
        <ReviewBulkBar
          totals={totals}
          isAllMatching={matching !== null}
          matchingTotal={matchingTotal}
          pageCount={rows.length}
          isPending={isPending}
          progress={progress}
          onSelectAllMatching={selectAllMatching}
          onApprove={askApproveSelection}
          onReject={() => openDialog({ kind: "reject", ids: selectionIds })}
          onClear={clearSelection}
        />
      ) : (
        <p className="mb-2 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm text-zinc-600" data-testid="review-read-only">
          You can read the queue. Approving, rejecting and overriding need the marketer, manager or administrator role.
        </p>
      )}
      {/* Reserved height so the table does not jump when a result appears. */}
      <div className="mb-2 min-h-11 space-y-1" aria-live="polite" role="status" data-testid="review-result">
        {isPending && !progress ? <p className="rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm text-zinc-600">Working…</p> : null}
        {!isPending && notice ? (
          <p className={`rounded-md border px-3 py-2 text-sm ${NOTICE_CLASSES[notice.tone]}`} data-testid="review-result-text" data-tone={notice.tone}>
            {notice.text}
          </p>
        ) : null}
        {!isPending && undoable ? (
          <div className="flex items-center gap-3 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900" data-testid="undo-toast">
            {/* The one sentence about the last action: here when nothing was skipped, above when something was. */}
            <span data-testid={notice ? "undo-toast-text" : "review-result-text"}>{undoable.text}</span>
            <button type="button" className="font-semibold text-emerald-900 underline hover:no-underline" onClick={() => undo(undoable)} data-testid="undo-button">
              Undo
            </button>
            <span className="text-xs text-emerald-800">within {plural(undoMinutes, "minute")}</span>
            <button type="button" className="ml-auto text-xs text-emerald-800 hover:underline" onClick={() => setUndoable(null)} aria-label="Dismiss">
              Dismiss
            </button>
          </div>
        ) : null}
      </div>

      <ReviewTable
        rows={rows}
        canReview={canReview}
        isPending={isPending}
        selected={selected}
        focusedId={focused?.id ?? null}
        onToggle={toggle}
        onToggleAll={() => {
          setMatching(null);
          setSelected(isAllSelected ? new Set() : new Set([...selected, ...pageIds]));
        }}
        resourceNames={resourceNames}
        onApprove={(row) => approve([row.id])}
        onReject={(row) => openDialog({ kind: "reject", ids: [row.id] })}
        onOverride={(row) => openDialog({ kind: "override", row })}
      />

      {dialog?.kind === "approve" ? (
        <Dialog title={`Approve ${plural(dialog.ids.length, "recommendation")}?`} onClose={closeDialog} isBusy={isPending} testId="approve-dialog" role="alertdialog">
          <div className="space-y-4">
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="approve-totals">
              <dt className="text-zinc-600">Recommendations</dt>
              <dd className="font-medium tabular-nums">{formatNumber(dialog.totals.count)}</dd>
              <dt className="text-zinc-600">Expected value</dt>
              <dd className="font-medium tabular-nums">{formatMoney(dialog.totals.expectedValue)}</dd>
              <dt className="text-zinc-600">Capacity confirmed</dt>
              <dd className="font-medium">{capacityText(dialog.totals.capacity)}</dd>
            </dl>
            <p className="text-sm text-zinc-600">
              Each one is checked again (consent, activity, contact policy, capacity) in batches of {REVIEW_BATCH_SIZE}; any that no longer qualify stay
              pending with the reason, and the rest are approved.
            </p>
            {dialogError ? (
              <p role="alert" className="text-sm text-red-700">
                {dialogError}
              </p>
            ) : null}
            <div className="flex justify-end gap-2">
              <button type="button" onClick={closeDialog} className={secondaryButtonClass}>
                Cancel
              </button>
              <button type="button" data-autofocus disabled={isPending} onClick={() => approve(dialog.ids)} className={`${primaryButtonClass} disabled:opacity-60`} data-testid="approve-confirm">
                {isPending ? "Approving…" : `Approve ${formatNumber(dialog.ids.length)}`}
              </button>
            </div>
          </div>
        </Dialog>
      ) : null}
      {dialog?.kind === "reject" ? (
        <Dialog
          title={dialog.ids.length === 1 ? "Reject recommendation" : `Reject ${plural(dialog.ids.length, "recommendation")}`}
          onClose={closeDialog}
          isBusy={isPending}
          testId="reject-dialog"
        >
          <RejectForm count={dialog.ids.length} reasons={reasons.reject} isPending={isPending} error={dialogError} onCancel={closeDialog} onSubmit={(reason) => reject(dialog.ids, reason)} />
        </Dialog>
      ) : null}
      {dialog?.kind === "override" ? (
        <Dialog title={`Override for ${dialog.row.customer.name}`} onClose={closeDialog} isBusy={isPending} testId="override-dialog">
          <OverrideForm
            recommendationId={dialog.row.id}
            reasons={reasons.override}
            currentName={dialog.row.treatment?.name ?? "No action"}
            isPending={isPending}
            error={dialogError}
            onCancel={closeDialog}
            onSubmit={(input) =>
              perform({ ids: [dialog.row.id], kind: "override", run: () => overrideRecommendationAction({ id: dialog.row.id, ...input }), fromDialog: true })
            }
          />
        </Dialog>
      ) : null}
    </div>
  );
}
