"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { updateContactPolicyRuleAction } from "@/app/contact-policy/actions";
import { Dialog } from "@/components/ui/dialog";
import { DialogSaveFooter } from "@/components/ui/dialog-save-footer";
import { inputClass, labelClass, secondaryButtonClass } from "@/components/ui/form-controls";

export type EditableRule = {
  key: string;
  kind: "channel_limit" | "overall_limit" | "approval_cooldown" | "decline_cooldown" | "goal_suppression";
  label: string;
  isEnabled: boolean;
  maxCount: number | null;
  windowDays: number;
  pauseDays: number | null;
  version: number;
};

/** How each kind names its numbers in the form. */
const FIELD_LABELS: Record<EditableRule["kind"], { maxCount?: string; windowDays: string; pauseDays?: string }> = {
  channel_limit: { maxCount: "Contacts allowed", windowDays: "In any window of (days)" },
  overall_limit: { maxCount: "Contacts allowed on all channels", windowDays: "In any window of (days)" },
  approval_cooldown: { windowDays: "Days before a treatment may be sent again after its approval" },
  decline_cooldown: { windowDays: "Days before a declined treatment may be offered again" },
  goal_suppression: { maxCount: "Declines or ignored offers", windowDays: "Within (days)", pauseDays: "Pause the goal for (days)" },
};

/** Managers' change of one rule; the next decision and every approval from then on follow it. */
export function EditPolicyRule({ rule }: { rule: EditableRule }) {
  const router = useRouter();
  const [isOpen, setOpen] = useState(false);
  const [error, setError] = useState<{ message: string; fields?: Record<string, string[]> } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();
  const labels = FIELD_LABELS[rule.kind];
  const fieldError = (name: string) => error?.fields?.[name]?.[0];

  function onSubmit(form: HTMLFormElement) {
    const f = new FormData(form);
    const input = {
      key: rule.key,
      isEnabled: f.get("isEnabled") === "on",
      windowDays: f.get("windowDays") ?? "",
      ...(labels.maxCount ? { maxCount: f.get("maxCount") ?? "" } : {}),
      ...(labels.pauseDays ? { pauseDays: f.get("pauseDays") ?? "" } : {}),
      version: rule.version,
      reason: f.get("reason") ?? "",
    };
    startTransition(async () => {
      try {
        const result = await updateContactPolicyRuleAction(input);
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

  const number = (name: "maxCount" | "windowDays" | "pauseDays", label: string, value: number | null) => (
    <div>
      <label htmlFor={`${rule.key}-${name}`} className={labelClass}>
        {label}
      </label>
      <input id={`${rule.key}-${name}`} name={name} type="number" min={1} max={name === "maxCount" ? 100 : 365} step={1} defaultValue={value ?? ""} required className={inputClass} />
      {fieldError(name) ? <p className="mt-1 text-xs text-red-700">{fieldError(name)}</p> : null}
    </div>
  );

  return (
    <div className="flex flex-wrap items-center justify-end gap-3">
      {notice ? (
        <p role="status" className="text-left text-sm text-emerald-800" data-testid="policy-notice">
          {notice}
        </p>
      ) : null}
      <button type="button" className={secondaryButtonClass} onClick={() => (setError(null), setOpen(true))} data-testid="policy-edit" aria-label={`Change ${rule.label.toLowerCase()}`}>
        Change
      </button>
      {isOpen ? (
        <Dialog title={`Change ${rule.label.toLowerCase()}`} onClose={() => setOpen(false)} isBusy={isPending} testId="policy-dialog">
          <form
            className="grid gap-3 text-left sm:grid-cols-2"
            onSubmit={(e) => {
              e.preventDefault();
              onSubmit(e.currentTarget);
            }}
          >
            {labels.maxCount ? number("maxCount", labels.maxCount, rule.maxCount) : null}
            {number("windowDays", labels.windowDays, rule.windowDays)}
            {labels.pauseDays ? number("pauseDays", labels.pauseDays, rule.pauseDays) : null}
            <div className="flex items-end sm:col-span-2">
              <label className="flex items-center gap-2 text-sm text-zinc-800">
                <input type="checkbox" name="isEnabled" defaultChecked={rule.isEnabled} />
                In force: decisions and approvals check this rule
              </label>
            </div>
            <div className="sm:col-span-2">
              <label htmlFor={`${rule.key}-reason`} className={labelClass}>
                Reason (optional, kept in the audit trail)
              </label>
              <input id={`${rule.key}-reason`} name="reason" maxLength={500} className={inputClass} />
              {fieldError("reason") ? <p className="mt-1 text-xs text-red-700">{fieldError("reason")}</p> : null}
            </div>
            <DialogSaveFooter error={error} errorTestId="policy-error" isPending={isPending} onCancel={() => setOpen(false)} />
          </form>
        </Dialog>
      ) : null}
    </div>
  );
}
