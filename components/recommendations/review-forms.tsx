"use client";

import { useEffect, useId, useState } from "react";
import { listOverrideChoicesAction } from "@/app/review/actions";
import type { OverrideChoices } from "@/lib/pipeline/review";
import type { OverridePrice } from "@/lib/pipeline/review/override-price";
import { formatMoney, formatNumber, plural } from "../ui/format";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";

const REASON_MIN = 3;
const REASON_MAX = 500;

/** A reason code the managers keep, offered in the reject and override dialogs. */
export type ReasonOption = { code: string; label: string };
export type ChosenReason = { reasonCode: string; reason: string };

const OTHER = "other";

type ReasonPickerProps = {
  reasons: readonly ReasonOption[];
  value: ChosenReason;
  onChange: (value: ChosenReason) => void;
  error: string | null;
  label: string;
  testId: string;
};

/** A kept reason or Other; words are required for Other and optional otherwise. */
function ReasonPicker({ reasons, value, onChange, error, label, testId }: ReasonPickerProps) {
  const id = useId();
  const isOther = value.reasonCode === OTHER;
  return (
    <div className="space-y-2">
      <div>
        <label htmlFor={`${id}-code`} className={labelClass}>
          {label}
        </label>
        <select id={`${id}-code`} value={value.reasonCode} onChange={(e) => onChange({ ...value, reasonCode: e.target.value })} className={inputClass} data-testid={`${testId}-code`}>
          {reasons.map((r) => (
            <option key={r.code} value={r.code}>
              {r.label}
            </option>
          ))}
          <option value={OTHER}>Other (say why)</option>
        </select>
      </div>
      <div>
        <label htmlFor={id} className={labelClass}>
          {isOther ? "In your words" : "Note (optional)"}
        </label>
        <textarea
          id={id}
          value={value.reason}
          onChange={(e) => onChange({ ...value, reason: e.target.value })}
          required={isOther}
          minLength={REASON_MIN}
          maxLength={REASON_MAX}
          rows={2}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-help`}
          className={inputClass}
          data-testid={testId}
        />
        <p id={`${id}-help`} className={`mt-1 text-xs ${error ? "text-red-700" : "text-zinc-500"}`}>
          {error ?? `${isOther ? `${REASON_MIN} to ${REASON_MAX} characters` : `Up to ${REASON_MAX} characters`}; the reason is counted on the review history and kept in the audit log.`}
        </p>
      </div>
    </div>
  );
}

function reasonProblem({ reasonCode, reason }: ChosenReason): string | null {
  const trimmed = reason.trim();
  if (reasonCode !== OTHER && trimmed.length === 0) return null;
  if (trimmed.length < REASON_MIN) return `Give a reason of at least ${REASON_MIN} characters.`;
  if (trimmed.length > REASON_MAX) return `Keep the reason within ${REASON_MAX} characters.`;
  return null;
}

function useChosenReason() {
  return useState<ChosenReason>({ reasonCode: OTHER, reason: "" });
}

type RejectFormProps = {
  count: number;
  reasons: readonly ReasonOption[];
  isPending: boolean;
  error: string | null;
  onSubmit: (reason: ChosenReason) => void;
  onCancel: () => void;
};

/** One reason for every recommendation being rejected. */
export function RejectForm({ count, reasons, isPending, error, onSubmit, onCancel }: RejectFormProps) {
  const [reason, setReason] = useChosenReason();
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const p = reasonProblem(reason);
        setProblem(p);
        if (!p) onSubmit({ reasonCode: reason.reasonCode, reason: reason.reason.trim() });
      }}
      noValidate
    >
      <p className="text-sm text-zinc-700">
        {count === 1
          ? "The recommendation will be rejected and any capacity it holds given back."
          : `All ${plural(count, "recommendation")} will be rejected and any capacity they hold given back.`}
      </p>
      <ReasonPicker
        label="Reason for rejecting"
        reasons={reasons}
        value={reason}
        onChange={(value) => {
          setReason(value);
          setProblem(null);
        }}
        error={problem}
        testId="reject-reason"
      />
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <button type="button" onClick={onCancel} className={secondaryButtonClass}>
          Cancel
        </button>
        <button type="submit" disabled={isPending} className={`${primaryButtonClass} bg-red-600 hover:bg-red-700 disabled:opacity-60`} data-testid="reject-confirm">
          {isPending ? "Rejecting…" : count === 1 ? "Reject" : `Reject ${formatNumber(count)}`}
        </button>
      </div>
    </form>
  );
}

type OverrideFormProps = {
  recommendationId: string;
  reasons: readonly ReasonOption[];
  currentName: string;
  isPending: boolean;
  error: string | null;
  onSubmit: (input: { treatmentKey: string } & ChosenReason) => void;
  onCancel: () => void;
};

type Loaded = { state: "loading" } | { state: "failed"; message: string } | { state: "ready"; choices: OverrideChoices };

function roomText(available: number | null): string {
  if (available === null) return "no capacity limit";
  if (available === 0) return "no room left";
  return `${formatNumber(available)} free`;
}

/** Today's price beside an option, as the override will weigh it (OverridePrice says whether it pays). */
function priceText({ price, gain }: OverridePrice): string {
  if (price === 0) return "no price today";
  return `worth ${formatMoney(price)} today; gain ${gain === null ? "not estimated" : formatMoney(gain)} clears it`;
}

/** Offers only the treatments this customer is eligible for and permitted on; the server checks again. */
export function OverrideForm({ recommendationId, reasons, currentName, isPending, error, onSubmit, onCancel }: OverrideFormProps) {
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  const [choice, setChoice] = useState("");
  const [reason, setReason] = useChosenReason();
  const [problem, setProblem] = useState<string | null>(null);
  const groupId = useId();

  useEffect(() => {
    let isCurrent = true;
    listOverrideChoicesAction({ id: recommendationId })
      .then((result) => {
        if (!isCurrent) return;
        setLoaded(result.ok ? { state: "ready", choices: result.data } : { state: "failed", message: result.message });
      })
      .catch(() => isCurrent && setLoaded({ state: "failed", message: "The allowed treatments could not be loaded. Try again." }));
    return () => {
      isCurrent = false;
    };
  }, [recommendationId]);

  const options = loaded.state === "ready" ? loaded.choices.options : [];
  // Shown disabled with the rule that refuses each, so no treatment of the catalog goes unexplained.
  const excluded = loaded.state === "ready" && loaded.choices.isPending ? loaded.choices.excluded : [];
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const p = !choice ? "Choose a treatment." : reasonProblem(reason);
        setProblem(p);
        if (!p) onSubmit({ treatmentKey: choice, reasonCode: reason.reasonCode, reason: reason.reason.trim() });
      }}
    >
      <p className="text-sm text-zinc-700">
        Replace <strong>{currentName}</strong> with another treatment this customer is eligible for and has allowed on its channel. Its held
        capacity is released and the new treatment&rsquo;s capacity is taken and confirmed.
      </p>
      <fieldset aria-describedby={`${groupId}-state`}>
        <legend className={labelClass}>New treatment</legend>
        <div id={`${groupId}-state`} className="min-h-10" aria-live="polite">
          {loaded.state === "loading" ? <p className="text-sm text-zinc-500">Checking what this customer may get…</p> : null}
          {loaded.state === "failed" ? <p className="text-sm text-red-700">{loaded.message}</p> : null}
          {loaded.state === "ready" && !loaded.choices.isPending ? <p className="text-sm text-zinc-600">This recommendation was already reviewed.</p> : null}
          {loaded.state === "ready" && loaded.choices.isPending && options.length === 0 ? (
            <p className="text-sm text-zinc-600" data-testid="override-none">
              No other treatment is allowed for this customer. Reject the recommendation instead if it should not go ahead.
            </p>
          ) : null}
          {options.length > 0 ? (
            <ul className="max-h-64 space-y-1 overflow-y-auto" data-testid="override-options">
              {options.map((o) => (
                <li key={o.treatmentKey}>
                  <label className="flex cursor-pointer items-start gap-2 rounded-md border border-zinc-200 px-3 py-2 text-sm has-[:checked]:border-indigo-500 has-[:checked]:bg-indigo-50 has-[:disabled]:cursor-not-allowed has-[:disabled]:opacity-60">
                    <input
                      type="radio"
                      name={`${groupId}-treatment`}
                      value={o.treatmentKey}
                      checked={choice === o.treatmentKey}
                      disabled={o.available === 0 || !o.price.isAdmitted}
                      aria-describedby={`${groupId}-${o.treatmentKey}-price`}
                      onChange={() => {
                        setChoice(o.treatmentKey);
                        setProblem(null);
                      }}
                      className="mt-0.5"
                    />
                    <span className="min-w-0 flex-1">
                      <span className="font-medium text-zinc-900">{o.name}</span>
                      <span className="text-zinc-500"> · {o.channel ?? "no channel"}</span>
                      <span className="block text-xs text-zinc-600">
                        {formatMoney(o.expectedValue)} expected value · {roomText(o.available)}
                      </span>
                      <span
                        id={`${groupId}-${o.treatmentKey}-price`}
                        className={`block text-xs ${o.price.isAdmitted ? "text-zinc-600" : "text-amber-800"}`}
                        data-testid="override-option-price"
                      >
                        {o.price.isAdmitted ? priceText(o.price) : `Would be refused: ${o.price.refusal}.`}
                      </span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          ) : null}
          {excluded.length > 0 ? (
            <div className="mt-3">
              <p className="mb-1 text-xs font-medium text-zinc-600">Not allowed for this customer now</p>
              <ul className="max-h-48 space-y-1 overflow-y-auto" data-testid="override-excluded">
                {excluded.map((e) => (
                  <li key={e.treatmentKey}>
                    <label className="flex cursor-not-allowed items-start gap-2 rounded-md border border-dashed border-zinc-200 px-3 py-2 text-sm opacity-70" data-testid="override-excluded-option">
                      <input type="radio" name={`${groupId}-treatment`} value={e.treatmentKey} disabled aria-describedby={`${groupId}-${e.treatmentKey}-why`} className="mt-0.5" />
                      <span className="min-w-0 flex-1">
                        <span className="font-medium text-zinc-900">{e.name}</span>
                        <span className="text-zinc-500"> · {e.channel ?? "no channel"}</span>
                        <span id={`${groupId}-${e.treatmentKey}-why`} className="block text-xs text-zinc-600" data-testid="override-excluded-reason">
                          {e.reason}
                        </span>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      </fieldset>
      <ReasonPicker
        label="Reason for the override"
        reasons={reasons}
        value={reason}
        onChange={(value) => {
          setReason(value);
          setProblem(null);
        }}
        error={problem}
        testId="override-reason"
      />
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <button type="button" onClick={onCancel} className={secondaryButtonClass}>
          Cancel
        </button>
        <button type="submit" disabled={isPending || options.length === 0} className={`${primaryButtonClass} disabled:opacity-60`} data-testid="override-confirm">
          {isPending ? "Overriding…" : "Override"}
        </button>
      </div>
    </form>
  );
}
