"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Dialog } from "@/components/ui/dialog";
import { plural } from "@/components/ui/format";
import { secondaryButtonClass } from "@/components/ui/form-controls";
import { resetDemoAction } from "./actions";

const dangerButtonClass =
  "inline-flex items-center justify-center rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-red-700 disabled:opacity-60 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 focus-visible:ring-offset-2";

/** Reset with a confirmation step: it replaces every change made since the demo was seeded. */
export function ResetDemo({ demoCustomers, hasActiveRun }: { demoCustomers: number; hasActiveRun: boolean }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [isConfirming, setIsConfirming] = useState(false);
  const [isPending, startTransition] = useTransition();
  const [result, setResult] = useState<{ tone: "ok" | "error"; text: string } | null>(null);

  function reset() {
    startTransition(async () => {
      const answer = await resetDemoAction({ confirmation: "reset" }).catch(() => null);
      setIsConfirming(false);
      if (!answer) return setResult({ tone: "error", text: "The server could not be reached; nothing was changed." });
      if (!answer.ok) return setResult({ tone: "error", text: answer.message });
      setResult({ tone: "ok", text: `The demo was reset: ${plural(answer.data.customers, "customer")} in ${(answer.data.durationMs / 1000).toFixed(1)} s.` });
      queryClient.clear();
      router.refresh();
    });
  }

  return (
    <div data-testid="reset-demo">
      {hasActiveRun ? (
        <p className="mb-3 text-sm text-amber-800">A run is in progress: the reset waits until it ends or is cancelled on the Runs screen.</p>
      ) : null}
      <button
        type="button"
        className={dangerButtonClass}
        onClick={() => {
          setResult(null);
          setIsConfirming(true);
        }}
        data-testid="reset-demo-open"
      >
        Reset demo…
      </button>
      {isConfirming ? (
        <Dialog
          title="Reset the demo?"
          role="alertdialog"
          size="sm"
          isBusy={isPending}
          onClose={() => setIsConfirming(false)}
          description={
            <>
              Every run, review, allocation, limit change and imported customer is replaced by a fresh demo of {plural(demoCustomers, "customer")}.
              This cannot be undone.
            </>
          }
        >
          <div className="flex justify-end gap-2">
            <button type="button" className={secondaryButtonClass} onClick={() => setIsConfirming(false)} disabled={isPending} data-autofocus>
              Keep the data
            </button>
            <button type="button" className={dangerButtonClass} onClick={reset} disabled={isPending} data-testid="reset-demo-confirm">
              {isPending ? "Resetting…" : "Yes, reset the demo"}
            </button>
          </div>
        </Dialog>
      ) : null}
      <p
        role={result?.tone === "error" ? "alert" : "status"}
        className={`mt-2 min-h-5 text-sm ${result?.tone === "error" ? "text-red-700" : "text-emerald-700"}`}
        data-testid="reset-demo-result"
      >
        {result?.text}
      </p>
    </div>
  );
}
