"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createReviewReasonAction, setReviewReasonActiveAction } from "@/app/review/reasons/actions";
import type { ReviewReason } from "@/lib/pipeline/review/reasons";
import { inputClass, labelClass, primaryButtonClass } from "../ui/form-controls";

const KIND_TITLES = { reject: "Reasons to reject", override: "Reasons to override" } as const;

/** The kept reject and override reasons; managers add, retire and bring back, others read. "Other" is always offered besides these. */
export function ReasonCodesEditor({ reasons, canManage }: { reasons: ReviewReason[]; canManage: boolean }) {
  const router = useRouter();
  const [isPending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [drafts, setDrafts] = useState({ reject: "", override: "" });

  function run(action: () => Promise<{ ok: boolean; message?: string }>, after?: () => void) {
    setError(null);
    startTransition(async () => {
      const result = await action();
      if (!result.ok) {
        setError(result.message ?? "Not saved.");
        return;
      }
      after?.();
      router.refresh();
    });
  }

  return (
    <div className="grid gap-4 lg:grid-cols-2">
      {error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 lg:col-span-2" data-testid="reasons-error">
          {error}
        </p>
      ) : null}
      {(["reject", "override"] as const).map((kind) => (
        <section key={kind} className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid={`reasons-${kind}`}>
          <h2 className="mb-2 text-sm font-semibold text-zinc-900">{KIND_TITLES[kind]}</h2>
          <ul className="divide-y divide-zinc-100 text-sm">
            {reasons
              .filter((r) => r.kind === kind)
              .map((r) => (
                <li key={r.id} className="flex items-center gap-2 py-2" data-testid="reason-item" data-active={r.isActive}>
                  <span className={r.isActive ? "text-zinc-900" : "text-zinc-400 line-through"}>{r.label}</span>
                  <span className="font-mono text-xs text-zinc-500">{r.code}</span>
                  {canManage ? (
                    <button
                      type="button"
                      className="ml-auto text-xs font-medium text-indigo-700 hover:underline disabled:opacity-50"
                      disabled={isPending}
                      onClick={() => run(() => setReviewReasonActiveAction({ id: r.id, isActive: !r.isActive }))}
                    >
                      {r.isActive ? "Retire" : "Offer again"}
                    </button>
                  ) : null}
                </li>
              ))}
            <li className="py-2 text-zinc-600">Other (the reviewer says why in words) — always offered</li>
          </ul>
          {canManage ? (
            <form
              className="mt-3 flex items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                run(
                  () => createReviewReasonAction({ kind, label: drafts[kind] }),
                  () => setDrafts((d) => ({ ...d, [kind]: "" })),
                );
              }}
            >
              <div className="flex-1">
                <label htmlFor={`new-${kind}-reason`} className={labelClass}>
                  New reason
                </label>
                <input
                  id={`new-${kind}-reason`}
                  value={drafts[kind]}
                  onChange={(e) => setDrafts((d) => ({ ...d, [kind]: e.target.value }))}
                  maxLength={80}
                  className={inputClass}
                  data-testid={`new-${kind}-reason`}
                />
              </div>
              <button type="submit" className={`${primaryButtonClass} disabled:opacity-50`} disabled={isPending || drafts[kind].trim().length < 3}>
                Add
              </button>
            </form>
          ) : null}
        </section>
      ))}
    </div>
  );
}
