"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type KeyboardEvent, useRef, useState, useTransition } from "react";
import { type ReviewActionResult, approveRecommendationsAction, overrideRecommendationAction, rejectRecommendationsAction } from "@/app/review/actions";
import type { ActionResult } from "@/lib/action-result";
import type { ReviewQueueRow } from "@/lib/queries/recommendations";
import { CONSTRAINTS_QUERY_KEY } from "../constraints/query-key";
import { ValueTierBadge } from "../customers/value-tier-badge";
import { formatDateTime, formatMoney, formatNumber, formatPercent } from "../ui/format";
import { primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";
import { ModalDialog } from "./modal-dialog";
import { PolicyBadge } from "./policy-badge";
import { OverrideForm, RejectForm } from "./review-forms";

type Notice = { tone: "success" | "warning" | "error"; text: string };
type Dialog = { kind: "reject"; ids: string[] } | { kind: "override"; row: ReviewQueueRow } | null;

const NOTICE_CLASSES: Record<Notice["tone"], string> = {
  success: "border-emerald-200 bg-emerald-50 text-emerald-900",
  warning: "border-amber-200 bg-amber-50 text-amber-900",
  error: "border-red-200 bg-red-50 text-red-800",
};

const smallButton = "rounded-md border px-2 py-1 text-xs font-medium shadow-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50";

function isTyping(target: EventTarget): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && target.type !== "checkbox" && target.type !== "radio";
}

/**
 * The pending recommendations of one page with row and bulk review. Keyboard: j / k move between
 * rows, x selects the row, a approves it, r rejects it, o overrides it.
 */
export function ReviewQueue({ rows, canReview }: { rows: ReviewQueueRow[]; /** False for viewers: the queue reads, nothing acts. */ canReview: boolean }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<Notice | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();
  const tableRef = useRef<HTMLTableSectionElement>(null);

  const pageIds = rows.map((r) => r.id);
  const selectedOnPage = pageIds.filter((id) => selected.has(id));
  const isAllSelected = rows.length > 0 && selectedOnPage.length === rows.length;

  function toggle(id: string) {
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  function perform(action: () => Promise<ActionResult<ReviewActionResult>>, opts: { fromDialog?: boolean } = {}) {
    setDialogError(null);
    startTransition(async () => {
      const result = await action();
      // A refused action can mean someone else reviewed first, so the capacity strip re-reads either way.
      void queryClient.invalidateQueries({ queryKey: CONSTRAINTS_QUERY_KEY });
      if (!result.ok) {
        if (opts.fromDialog) setDialogError(result.message);
        else setNotice({ tone: "error", text: result.message });
        return;
      }
      const finished = new Set([...result.data.done, ...result.data.skipped.map((s) => s.recommendationId)]);
      setSelected((prev) => new Set([...prev].filter((id) => !finished.has(id))));
      setNotice({ tone: result.data.skipped.length > 0 ? "warning" : "success", text: result.data.message });
      setDialog(null);
      router.refresh();
    });
  }

  const approve = (ids: string[]) => perform(() => approveRecommendationsAction({ ids }));
  const openReject = (ids: string[]) => {
    setDialogError(null);
    setDialog({ kind: "reject", ids });
  };
  const openOverride = (row: ReviewQueueRow) => {
    setDialogError(null);
    setDialog({ kind: "override", row });
  };

  function onKeyDown(e: KeyboardEvent<HTMLTableSectionElement>) {
    if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target) || dialog) return;
    const rowEls = [...(tableRef.current?.querySelectorAll<HTMLTableRowElement>("tr[data-row-id]") ?? [])];
    const current = (e.target as HTMLElement).closest<HTMLTableRowElement>("tr[data-row-id]");
    const index = current ? rowEls.indexOf(current) : -1;
    const id = current?.dataset.rowId;
    const focusRow = (i: number) => rowEls[Math.max(0, Math.min(rowEls.length - 1, i))]?.querySelector<HTMLInputElement>("input[type=checkbox]")?.focus();
    const row = rows.find((r) => r.id === id);
    const handlers: Record<string, () => void> = {
      j: () => focusRow(index + 1),
      k: () => focusRow(index - 1),
      x: () => id && toggle(id),
      a: () => id && !isPending && approve([id]),
      r: () => id && openReject([id]),
      o: () => row && openOverride(row),
    };
    const handler = handlers[e.key];
    if (!handler || (!canReview && e.key !== "j" && e.key !== "k")) return;
    e.preventDefault();
    handler();
  }

  return (
    <div>
      {canReview ? null : (
        <p className="mb-2 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm text-zinc-600" data-testid="review-read-only">
          You can read the queue. Approving, rejecting and overriding need the marketer, manager or administrator role.
        </p>
      )}
      {canReview ? (
      <div className="mb-2 flex min-h-10 flex-wrap items-center gap-2" data-testid="review-bulk-bar">
        <span className="text-sm text-zinc-700" data-testid="review-selected-count">
          {formatNumber(selectedOnPage.length)} selected
        </span>
        <button
          type="button"
          className={`${primaryButtonClass} disabled:opacity-50`}
          disabled={selectedOnPage.length === 0 || isPending}
          onClick={() => approve(selectedOnPage)}
          data-testid="bulk-approve"
        >
          Approve selected
        </button>
        <button
          type="button"
          className={`${secondaryButtonClass} disabled:opacity-50`}
          disabled={selectedOnPage.length === 0 || isPending}
          onClick={() => openReject(selectedOnPage)}
          data-testid="bulk-reject"
        >
          Reject selected…
        </button>
        {selectedOnPage.length > 0 ? (
          <button type="button" className="text-sm text-indigo-700 hover:underline" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        ) : null}
        <span className="ml-auto text-xs text-zinc-500" id="review-shortcuts">
          Keys: j / k move, x select, a approve, r reject, o override
        </span>
      </div>
      ) : null}
      {/* Reserved height so the table does not jump when a result appears. */}
      <div className="mb-2 min-h-11" aria-live="polite" role="status" data-testid="review-result">
        {isPending ? (
          <p className="rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm text-zinc-600">Working…</p>
        ) : notice ? (
          <p className={`rounded-md border px-3 py-2 text-sm ${NOTICE_CLASSES[notice.tone]}`} data-testid="review-result-text" data-tone={notice.tone}>
            {notice.text}
          </p>
        ) : null}
      </div>

      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-zinc-200 text-sm" data-testid="review-table" aria-describedby="review-shortcuts">
          <caption className="sr-only">Recommendations waiting for review</caption>
          <thead className="bg-zinc-50 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
            <tr>
              <th scope="col" className={canReview ? "w-8 px-3 py-2" : "hidden"}>
                <input
                  type="checkbox"
                  aria-label="Select every recommendation on this page"
                  checked={isAllSelected}
                  disabled={rows.length === 0}
                  ref={(el) => {
                    if (el) el.indeterminate = selectedOnPage.length > 0 && !isAllSelected;
                  }}
                  onChange={() => setSelected(isAllSelected ? new Set() : new Set([...selected, ...pageIds]))}
                  data-testid="select-all"
                />
              </th>
              <th scope="col" className="whitespace-nowrap px-3 py-2">Customer</th>
              <th scope="col" className="px-3 py-2">Recommendation</th>
              <th scope="col" className="whitespace-nowrap px-3 py-2 text-right">
                Confidence
                <span className="block font-normal normal-case tracking-normal">expected value</span>
              </th>
              <th scope="col" className="hidden whitespace-nowrap px-3 py-2 lg:table-cell">Created</th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100" ref={tableRef} onKeyDown={onKeyDown}>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-3 py-10 text-center text-sm text-zinc-600" data-testid="table-empty">
                  <span data-testid="review-empty">
                    No recommendations wait for review here. Start a run from{" "}
                    <Link href="/runs" className="font-medium text-indigo-700 hover:underline">
                      Runs
                    </Link>{" "}
                    or change the filters.
                  </span>
                </td>
              </tr>
            ) : (
              rows.map((r) => {
                const isSelected = selected.has(r.id);
                const subject = `${r.treatment?.name ?? "No action"} for ${r.customer.name}`;
                return (
                  <tr
                    key={r.id}
                    data-row-id={r.id}
                    data-testid="review-row"
                    aria-selected={isSelected}
                    className={`focus-within:bg-indigo-50/60 ${isSelected ? "bg-indigo-50" : "hover:bg-zinc-50"}`}
                  >
                    <td className={canReview ? "px-3 py-2 align-top" : "hidden"}>
                      <input type="checkbox" disabled={!canReview} aria-label={`Select ${subject}`} checked={isSelected} onChange={() => toggle(r.id)} data-testid="row-select" />
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 align-top">
                      <Link href={`/customers/${encodeURIComponent(r.customer.id)}`} className="font-medium text-indigo-700 hover:underline">
                        {r.customer.name}
                      </Link>
                      <div className="mt-0.5 flex items-center gap-2 text-xs text-zinc-500">
                        <span className="font-mono">{r.customer.id}</span>
                        <ValueTierBadge tier={r.customer.valueTier} />
                      </div>
                      <div className="mt-0.5 text-xs text-zinc-500 lg:hidden">{formatDateTime(r.createdAt)}</div>
                    </td>
                    <td className="min-w-56 px-3 py-2 align-top">
                      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                        <span className="font-medium text-zinc-900">{r.treatment ? r.treatment.name : "No action"}</span>
                        <PolicyBadge policy={r.policy} />
                      </div>
                      {r.treatment?.resourceKey ? <div className="font-mono text-xs text-zinc-500">{r.treatment.resourceKey}</div> : null}
                      <div className="mt-1 max-w-xl text-zinc-700">
                        {r.rationaleExcerpt.length < r.rationale.length ? (
                          <details>
                            <summary className="cursor-pointer">{r.rationaleExcerpt}</summary>
                            <p className="mt-1 text-zinc-800">{r.rationale}</p>
                          </details>
                        ) : (
                          r.rationale
                        )}
                      </div>
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right align-top tabular-nums">
                      {formatPercent(r.confidence)}
                      <span className="block text-zinc-600">{formatMoney(r.expectedValue)}</span>
                    </td>
                    <td className="hidden w-24 px-3 py-2 align-top text-xs text-zinc-600 lg:table-cell">{formatDateTime(r.createdAt)}</td>
                    <td className="px-3 py-2 align-top">
                      {canReview ? (
                      <div className="flex flex-col gap-1">
                        <button
                          type="button"
                          className={`${smallButton} border-emerald-300 bg-emerald-50 text-emerald-800 hover:bg-emerald-100`}
                          disabled={isPending}
                          onClick={() => approve([r.id])}
                          aria-label={`Approve ${subject}`}
                          data-testid="row-approve"
                        >
                          Approve
                        </button>
                        <button
                          type="button"
                          className={`${smallButton} border-red-300 bg-white text-red-700 hover:bg-red-50`}
                          disabled={isPending}
                          onClick={() => openReject([r.id])}
                          aria-label={`Reject ${subject}`}
                          data-testid="row-reject"
                        >
                          Reject
                        </button>
                        <button
                          type="button"
                          className={`${smallButton} border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-50`}
                          disabled={isPending}
                          onClick={() => openOverride(r)}
                          aria-label={`Override ${subject}`}
                          data-testid="row-override"
                        >
                          Override
                        </button>
                      </div>
                      ) : null}
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>

      {dialog?.kind === "reject" ? (
        <ModalDialog
          title={dialog.ids.length === 1 ? "Reject recommendation" : `Reject ${formatNumber(dialog.ids.length)} recommendations`}
          onClose={() => setDialog(null)}
          testId="reject-dialog"
        >
          <RejectForm
            count={dialog.ids.length}
            isPending={isPending}
            error={dialogError}
            onCancel={() => setDialog(null)}
            onSubmit={(reason) => perform(() => rejectRecommendationsAction({ ids: dialog.ids, reason }), { fromDialog: true })}
          />
        </ModalDialog>
      ) : null}
      {dialog?.kind === "override" ? (
        <ModalDialog title={`Override for ${dialog.row.customer.name}`} onClose={() => setDialog(null)} testId="override-dialog">
          <OverrideForm
            recommendationId={dialog.row.id}
            currentName={dialog.row.treatment?.name ?? "No action"}
            isPending={isPending}
            error={dialogError}
            onCancel={() => setDialog(null)}
            onSubmit={(input) => perform(() => overrideRecommendationAction({ id: dialog.row.id, ...input }), { fromDialog: true })}
          />
        </ModalDialog>
      ) : null}
    </div>
  );
}
