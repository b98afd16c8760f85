import { primaryButtonClass, secondaryButtonClass } from "./form-controls";

/** The end of an editing dialog's form: the refusal, if any, then Cancel and Save on the right. */
export function DialogSaveFooter({ error, errorTestId, isPending, onCancel }: { error: { message: string } | null; errorTestId: string; isPending: boolean; onCancel: () => void }) {
  return (
    <>
      {error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 sm:col-span-2" data-testid={errorTestId}>
          {error.message}
        </p>
      ) : null}
      <div className="flex justify-end gap-2 sm:col-span-2">
        <button type="button" className={secondaryButtonClass} onClick={onCancel} disabled={isPending}>
          Cancel
        </button>
        <button type="submit" className={primaryButtonClass} disabled={isPending}>
          {isPending ? "Saving…" : "Save"}
        </button>
      </div>
    </>
  );
}
