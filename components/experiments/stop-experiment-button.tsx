"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { stopExperimentAction } from "@/app/experiments/actions";
import { Dialog } from "../ui/dialog";
import { primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";

/** Stop, after a confirmation: a stopped experiment cannot be started again under its key. */
export function StopExperimentButton({ experimentKey, name }: { experimentKey: string; name: string }) {
  const router = useRouter();
  const [isOpen, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();

  const stop = () =>
    startTransition(async () => {
      const result = await stopExperimentAction({ key: experimentKey });
      if (!result.ok) {
        setError(result.message);
        return;
      }
      setOpen(false);
      router.refresh();
    });

  return (
    <>
      <button type="button" className={secondaryButtonClass} onClick={() => setOpen(true)} data-testid="experiment-stop">
        Stop
      </button>
      {isOpen ? (
        <Dialog
          title={`Stop ${name}?`}
          description="Runs from now on decide every customer with their own settings. Decisions made so far keep their arm, so the lift stays measurable; the key cannot be used again."
          role="alertdialog"
          size="sm"
          isBusy={isPending}
          onClose={() => {
            setOpen(false);
            setError(null);
          }}
          testId="experiment-stop-dialog"
        >
          {error ? (
            <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {error}
            </p>
          ) : null}
          <div className="flex justify-end gap-2">
            <button type="button" className={secondaryButtonClass} onClick={() => setOpen(false)} disabled={isPending} data-autofocus>
              Keep it running
            </button>
            <button type="button" className={`${primaryButtonClass} bg-red-600 hover:bg-red-700`} onClick={stop} disabled={isPending}>
              {isPending ? "Stopping…" : "Stop experiment"}
            </button>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}
