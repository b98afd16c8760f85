"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { updateTreatmentAction } from "@/app/treatments/actions";
import { Dialog } from "@/components/ui/dialog";
import { DialogSaveFooter } from "@/components/ui/dialog-save-footer";
import { inputClass, labelClass, secondaryButtonClass } from "@/components/ui/form-controls";

export type EditableTreatment = {
  key: string;
  name: string;
  description: string;
  costPerContact: number;
  priority: number;
  expectedEffect: number;
  isActive: boolean;
  isNoAction: boolean;
};

/** Managers' edit of one catalog entry; the next runs decide with the new values. */
export function EditTreatment({ treatment }: { treatment: EditableTreatment }) {
  const router = useRouter();
  const [isOpen, setOpen] = useState(false);
  const [error, setError] = useState<{ message: string; fields?: Record<string, string[]> } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();
  const fieldError = (name: string) => error?.fields?.[name]?.[0];

  function onSubmit(form: HTMLFormElement) {
    const f = new FormData(form);
    const number = (name: string) => (f.get(name) === "" ? Number.NaN : Number(f.get(name)));
    const input = {
      key: treatment.key,
      name: f.get("name"),
      description: f.get("description"),
      costPerContact: number("costPerContact"),
      priority: number("priority"),
      expectedEffect: number("expectedEffectPercent") / 100,
      isActive: treatment.isNoAction ? true : f.get("isActive") === "on",
      reason: f.get("reason") ?? "",
    };
    startTransition(async () => {
      try {
        const result = await updateTreatmentAction(input);
        if (!result.ok) return setError({ message: result.message, fields: result.fieldErrors });
        setError(null);
        setOpen(false);
        setNotice(result.data.message);
        router.refresh();
      } catch {
        setError({ message: "The change could not be sent; check the connection and try again." });
      }
    });
  }

  const field = (name: string, label: string, input: React.ReactNode) => (
    <div>
      <label htmlFor={`${treatment.key}-${name}`} className={labelClass}>
        {label}
      </label>
      {input}
      {fieldError(name) ? <p className="mt-1 text-xs text-red-700">{fieldError(name)}</p> : null}
    </div>
  );

  return (
    <div className="mt-3 flex flex-wrap items-center gap-3 border-t border-zinc-100 pt-3">
      <button type="button" className={secondaryButtonClass} onClick={() => (setError(null), setOpen(true))} data-testid="treatment-edit" aria-label={`Edit ${treatment.name}`}>
        Edit
      </button>
      {notice ? (
        <p role="status" className="text-sm text-emerald-800" data-testid="treatment-notice">
          {notice}
        </p>
      ) : null}
      {isOpen ? (
        <Dialog title={`Edit ${treatment.name}`} onClose={() => setOpen(false)} isBusy={isPending} testId="treatment-dialog">
          <form
            className="grid gap-3 sm:grid-cols-2"
            onSubmit={(e) => {
              e.preventDefault();
              onSubmit(e.currentTarget);
            }}
          >
            <div className="sm:col-span-2">
              {field("name", "Name", <input id={`${treatment.key}-name`} name="name" defaultValue={treatment.name} maxLength={80} required className={inputClass} />)}
            </div>
            <div className="sm:col-span-2">
              {field(
                "description",
                "Description",
                <textarea id={`${treatment.key}-description`} name="description" defaultValue={treatment.description} maxLength={500} rows={3} required className={inputClass} />,
              )}
            </div>
            {field(
              "costPerContact",
              "Cost per contact (£)",
              <input id={`${treatment.key}-costPerContact`} name="costPerContact" type="number" min={0} max={10000} step="0.01" defaultValue={treatment.costPerContact} required className={inputClass} />,
            )}
            {field(
              "priority",
              "Priority (1 is highest)",
              <input id={`${treatment.key}-priority`} name="priority" type="number" min={1} max={100} step={1} defaultValue={treatment.priority} required className={inputClass} />,
            )}
            {field(
              "expectedEffect",
              "Expected churn reduction (%)",
              <input
                id={`${treatment.key}-expectedEffect`}
                name="expectedEffectPercent"
                type="number"
                min={0}
                max={100}
                step="0.1"
                defaultValue={Math.round(treatment.expectedEffect * 1000) / 10}
                required
                className={inputClass}
              />,
            )}
            <div className="flex items-end">
              <label className="flex items-center gap-2 text-sm text-zinc-800">
                <input type="checkbox" name="isActive" defaultChecked={treatment.isActive} disabled={treatment.isNoAction} />
                {treatment.isNoAction ? "Always active (no action)" : "Active: the agents may choose it"}
              </label>
            </div>
            <div className="sm:col-span-2">
              {field("reason", "Reason (optional, kept in the audit trail)", <input id={`${treatment.key}-reason`} name="reason" maxLength={500} className={inputClass} />)}
            </div>
            <DialogSaveFooter error={error} errorTestId="treatment-error" isPending={isPending} onCancel={() => setOpen(false)} />
          </form>
        </Dialog>
      ) : null}
    </div>
  );
}
