const smallButton = "rounded-md border px-2 py-1 text-xs font-medium shadow-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50";

type ReviewRowActionsProps = {
  /** "Retention call-back for Ana Silva": names each button for a screen reader. */
  subject: string;
  isPending: boolean;
  onApprove: () => void;
  onReject: () => void;
  onOverride: () => void;
};

/** One recommendation's approve, reject and override buttons. */
export function ReviewRowActions({ subject, isPending, onApprove, onReject, onOverride }: ReviewRowActionsProps) {
  return (
    <div className="flex flex-col gap-1">
      <button
        type="button"
        className={`${smallButton} border-emerald-300 bg-emerald-50 text-emerald-800 hover:bg-emerald-100`}
        disabled={isPending}
        onClick={onApprove}
        aria-label={`Approve ${subject}`}
        data-testid="row-approve"
      >
        Approve
      </button>
      <button
        type="button"
        className={`${smallButton} border-red-300 bg-white text-red-700 hover:bg-red-50`}
        disabled={isPending}
        onClick={onReject}
        aria-label={`Reject ${subject}`}
        data-testid="row-reject"
      >
        Reject
      </button>
      <button
        type="button"
        className={`${smallButton} border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-50`}
        disabled={isPending}
        onClick={onOverride}
        aria-label={`Override ${subject}`}
        data-testid="row-override"
      >
        Override
      </button>
    </div>
  );
}
