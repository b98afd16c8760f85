"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { type ReviewActionResult, approveRecommendationsAction, overrideRecommendationAction, rejectRecommendationsAction } from "@/app/review/actions";
import type { ActionResult } from "@/lib/action-result";
import type { ReviewQueueRow } from "@/lib/queries/recommendations";
import { CONSTRAINTS_QUERY_KEY } from "../constraints/query-key";
import { Dialog } from "../ui/dialog";
import { plural } from "../ui/format";
import { ReviewBulkBar } from "./review-bulk-bar";
import { OverrideForm, RejectForm } from "./review-forms";
import { ReviewTable } from "./review-table";
import { useReviewShortcuts } from "./use-review-shortcuts";

type Notice = { tone: "success" | "warning" | "error"; text: string };
type OpenDialog = { kind: "reject"; ids: string[] } | { kind: "override"; row: ReviewQueueRow } | null;

const NOTICE_CLASSES: Record<Notice["tone"], string> = {
  success: "border-emerald-200 bg-emerald-50 text-emerald-900",
  warning: "border-amber-200 bg-amber-50 text-amber-900",
  error: "border-red-200 bg-red-50 text-red-800",
};

type ReviewQueueProps = {
  rows: ReviewQueueRow[];
  /** False for viewers: the queue reads, nothing acts. */
  canReview: boolean;
  /** Capacity resource names by key. */
  resourceNames: Readonly<Record<string, string>>;
};

/**
 * The pending recommendations of one page with row and bulk review. Keyboard: j / k move between
 * rows, x selects the row, a approves it, r rejects it, o overrides it.
 */
export function ReviewQueue({ rows, canReview, resourceNames }: ReviewQueueProps) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<Notice | null>(null);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();

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
  const openDialog = (next: NonNullable<OpenDialog>) => {
    setDialogError(null);
    setDialog(next);
  };
  const closeDialog = () => setDialog(null);

  const onKeyDown = useReviewShortcuts({
    canReview,
    isPaused: dialog !== null,
    isPending,
    onToggle: toggle,
    onApprove: (id) => approve([id]),
    onReject: (id) => openDialog({ kind: "reject", ids: [id] }),
    onOverride: (id) => {
      const row = rows.find((r) => r.id === id);
      if (row) openDialog({ kind: "override", row });
    },
  });

  return (
    <div>
      {canReview ? (
        <ReviewBulkBar
          selectedCount={selectedOnPage.length}
          isPending={isPending}
          onApprove={() => approve(selectedOnPage)}
          onReject={() => openDialog({ kind: "reject", ids: selectedOnPage })}
          onClear={() => setSelected(new Set())}
        />
      ) : (
        <p className="mb-2 rounded-md border border-zinc-200 bg-white px-3 py-2 text-sm text-zinc-600" data-testid="review-read-only">
          You can read the queue. Approving, rejecting and overriding need the marketer, manager or administrator role.
        </p>
      )}
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

      <ReviewTable
        rows={rows}
        canReview={canReview}
        isPending={isPending}
        selected={selected}
        onToggle={toggle}
        onToggleAll={() => setSelected(isAllSelected ? new Set() : new Set([...selected, ...pageIds]))}
        onKeyDown={onKeyDown}
        resourceNames={resourceNames}
        onApprove={(row) => approve([row.id])}
        onReject={(row) => openDialog({ kind: "reject", ids: [row.id] })}
        onOverride={(row) => openDialog({ kind: "override", row })}
      />

      {dialog?.kind === "reject" ? (
        <Dialog
          title={dialog.ids.length === 1 ? "Reject recommendation" : `Reject ${plural(dialog.ids.length, "recommendation")}`}
          onClose={closeDialog}
          isBusy={isPending}
          testId="reject-dialog"
        >
          <RejectForm
            count={dialog.ids.length}
            isPending={isPending}
            error={dialogError}
            onCancel={closeDialog}
            onSubmit={(reason) => perform(() => rejectRecommendationsAction({ ids: dialog.ids, reason }), { fromDialog: true })}
          />
        </Dialog>
      ) : null}
      {dialog?.kind === "override" ? (
        <Dialog title={`Override for ${dialog.row.customer.name}`} onClose={closeDialog} isBusy={isPending} testId="override-dialog">
          <OverrideForm
            recommendationId={dialog.row.id}
            currentName={dialog.row.treatment?.name ?? "No action"}
            isPending={isPending}
            error={dialogError}
            onCancel={closeDialog}
            onSubmit={(input) => perform(() => overrideRecommendationAction({ id: dialog.row.id, ...input }), { fromDialog: true })}
          />
        </Dialog>
      ) : null}
    </div>
  );
}
