import type { MatchingSelection } from "@/lib/queries/recommendations";
import { formatMoney, formatNumber, plural } from "../ui/format";
import { primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";
import { REVIEW_SHORTCUTS_ID, REVIEW_SHORTCUTS_TEXT } from "./use-review-shortcuts";

/** What a bulk action would act on: the count, its expected value and the capacity it would confirm. */
export type SelectionTotals = Pick<MatchingSelection, "count" | "expectedValue" | "capacity">;

type ReviewBulkBarProps = {
  totals: SelectionTotals;
  /** True when the selection is every recommendation the filter matches, across pages. */
  isAllMatching: boolean;
  /** How many the filter matches; offered as "Select all N matching" when more than the page. */
  matchingTotal: number;
  pageCount: number;
  isPending: boolean;
  progress: { finished: number; total: number } | null;
  onSelectAllMatching: () => void;
  onApprove: () => void;
  onReject: () => void;
  onClear: () => void;
};

/** "Call-centre slots 120 contacts, SMS quota 40 contacts". */
export function capacityText(capacity: SelectionTotals["capacity"]): string {
  if (capacity.length === 0) return "no capacity";
  return capacity.map((c) => `${c.name} ${formatNumber(c.units)} ${c.unit}`).join(", ");
}

/** The selection, its totals, the bulk actions, and the keys that work anywhere on the page. */
export function ReviewBulkBar({ totals, isAllMatching, matchingTotal, pageCount, isPending, progress, onSelectAllMatching, onApprove, onReject, onClear }: ReviewBulkBarProps) {
  const isEmpty = totals.count === 0;
  const canWiden = !isAllMatching && matchingTotal > pageCount && totals.count >= pageCount;
  return (
    <div className="mb-2 space-y-1" data-testid="review-bulk-bar">
      <div className="flex min-h-10 flex-wrap items-center gap-2">
        <span className="text-sm text-zinc-700" data-testid="review-selected-count">
          {isAllMatching ? `All ${formatNumber(totals.count)} matching selected` : `${formatNumber(totals.count)} selected`}
        </span>
        <button type="button" className={`${primaryButtonClass} disabled:opacity-50`} disabled={isEmpty || isPending} onClick={onApprove} data-testid="bulk-approve">
          {isEmpty ? "Approve selected" : `Approve ${formatNumber(totals.count)}…`}
        </button>
        <button type="button" className={`${secondaryButtonClass} disabled:opacity-50`} disabled={isEmpty || isPending} onClick={onReject} data-testid="bulk-reject">
          {isEmpty ? "Reject selected…" : `Reject ${formatNumber(totals.count)}…`}
        </button>
        {canWiden ? (
          <button type="button" className="text-sm font-medium text-indigo-700 hover:underline" onClick={onSelectAllMatching} disabled={isPending} data-testid="select-all-matching">
            Select all {formatNumber(matchingTotal)} matching
          </button>
        ) : null}
        {isEmpty ? null : (
          <button type="button" className="text-sm text-indigo-700 hover:underline" onClick={onClear} disabled={isPending}>
            Clear selection
          </button>
        )}
        <span className="ml-auto text-xs text-zinc-500" id={REVIEW_SHORTCUTS_ID}>
          {REVIEW_SHORTCUTS_TEXT}
        </span>
      </div>
      {isEmpty ? null : (
        <p className="text-xs text-zinc-600" data-testid="selection-totals">
          {plural(totals.count, "recommendation")} · expected value {formatMoney(totals.expectedValue)} · approving confirms {capacityText(totals.capacity)}
        </p>
      )}
      {progress ? (
        <div className="flex items-center gap-2 text-xs text-zinc-700" data-testid="bulk-progress" role="status">
          <progress max={progress.total} value={progress.finished} className="h-2 w-48" />
          {formatNumber(progress.finished)} of {formatNumber(progress.total)} done
        </div>
      ) : null}
    </div>
  );
}
