import { formatNumber } from "../ui/format";
import { primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";
import { REVIEW_SHORTCUTS_ID, REVIEW_SHORTCUTS_TEXT } from "./use-review-shortcuts";

type ReviewBulkBarProps = {
  selectedCount: number;
  isPending: boolean;
  onApprove: () => void;
  onReject: () => void;
  onClear: () => void;
};

/** What to do with the selected rows of this page, and the keys that work in the table. */
export function ReviewBulkBar({ selectedCount, isPending, onApprove, onReject, onClear }: ReviewBulkBarProps) {
  const isEmpty = selectedCount === 0;
  return (
    <div className="mb-2 flex min-h-10 flex-wrap items-center gap-2" data-testid="review-bulk-bar">
      <span className="text-sm text-zinc-700" data-testid="review-selected-count">
        {formatNumber(selectedCount)} selected
      </span>
      <button type="button" className={`${primaryButtonClass} disabled:opacity-50`} disabled={isEmpty || isPending} onClick={onApprove} data-testid="bulk-approve">
        Approve selected
      </button>
      <button type="button" className={`${secondaryButtonClass} disabled:opacity-50`} disabled={isEmpty || isPending} onClick={onReject} data-testid="bulk-reject">
        Reject selected…
      </button>
      {isEmpty ? null : (
        <button type="button" className="text-sm text-indigo-700 hover:underline" onClick={onClear}>
          Clear selection
        </button>
      )}
      <span className="ml-auto text-xs text-zinc-500" id={REVIEW_SHORTCUTS_ID}>
        {REVIEW_SHORTCUTS_TEXT}
      </span>
    </div>
  );
}
