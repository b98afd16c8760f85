"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useId, useState, useTransition } from "react";
import { previewLimitChangeAction, resetConstraintPeriodAction, shedHoldsAction, updateConstraintAction } from "@/app/constraints/actions";
import { planScenarioAction } from "@/app/scenarios/actions";
import type { LimitPreview } from "@/lib/pipeline/constraints";
import type { ResourceGauge } from "@/lib/queries/constraints";
import { Dialog } from "../ui/dialog";
import { formatDateTime, formatMoney, formatNumber, plural } from "../ui/format";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";
import { CONSTRAINTS_QUERY_KEY } from "./query-key";

type ConstraintDialogProps = { resource: ResourceGauge; onClose: () => void; onDone: (message: string) => void };

function FieldError({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages?.length) return null;
  return (
    <p id={id} className="mt-1 text-xs text-red-700">
      {messages.join(" ")}
    </p>
  );
}

function FormError({ id, message }: { id?: string; message: string | null }) {
  return message ? (
    <p id={id} role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="dialog-error">
      {message}
    </p>
  ) : null;
}

type PlannedEffect = { current: number; scenario: number; delta: number; customersChanged: number; note: string | null };

/** What a new limit would do before it is saved: the planner's value and changed decisions, and the holds it would release. */
function LimitEffect({ resource, limit, reserve }: { resource: ResourceGauge; limit: number | null; reserve: number | null }) {
  const [isPlanning, startPlanning] = useTransition();
  const [effect, setEffect] = useState<{ forLimit: number; planned: PlannedEffect } | { forLimit: number; error: string } | null>(null);
  if (limit === null || limit === resource.limit) return null;
  const shown = effect && effect.forLimit === limit ? effect : null;

  function preview() {
    const asked = limit!;
    startPlanning(async () => {
      const answer = await planScenarioAction({ changes: { resources: [{ key: resource.key, limit: asked, ...(reserve !== null && reserve <= asked ? { reservedHighValue: reserve } : {}) }] } }).catch(() => null);
      if (!answer || !answer.ok) return setEffect({ forLimit: asked, error: answer ? answer.message : "The server could not be reached." });
      const s = answer.data.scenarios[0]!;
      setEffect({ forLimit: asked, planned: { current: answer.data.current.totalValue, scenario: s.summary.totalValue, delta: s.comparison.totalValue.delta, customersChanged: s.comparison.customersChanged, note: answer.data.sampleNote } });
    });
  }

  return (
    <div className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm" data-testid="limit-effect">
      {shown && "planned" in shown ? (
        <p data-testid="limit-effect-result">
          Expected value of the current decisions {formatMoney(shown.planned.current)} → {formatMoney(shown.planned.scenario)} (
          <span className={shown.planned.delta < 0 ? "text-red-700" : "text-emerald-700"}>
            {shown.planned.delta < 0 ? "−" : "+"}
            {formatMoney(Math.abs(shown.planned.delta))}
          </span>
          ); {plural(shown.planned.customersChanged, "decision")} would change. Nothing was written.
          {shown.planned.note ? <span className="block text-xs text-zinc-500">{shown.planned.note}</span> : null}
        </p>
      ) : shown && "error" in shown ? (
        <p className="text-red-800">{shown.error}</p>
      ) : (
        <p className="text-zinc-600">
          Plan everyone with the rules under {formatNumber(limit)} to see the value and the decisions this limit changes, without writing anything; the{" "}
          <Link href="/scenarios" className="text-indigo-700 underline">
            scenario planner
          </Link>{" "}
          tries several changes at once.
        </p>
      )}
      <button type="button" className={`${secondaryButtonClass} mt-2 disabled:opacity-60`} onClick={preview} disabled={isPlanning} data-testid="preview-effect">
        {isPlanning ? "Planning…" : "Preview effect"}
      </button>
    </div>
  );
}

function HoldsToRelease({ preview }: { preview: LimitPreview }) {
  return (
    <div className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="holds-to-release">
      <p>
        {formatNumber(preview.newLimit)} is below the {formatNumber(preview.used)} committed. Saving releases {plural(preview.holds.length, "hold")} ({formatNumber(preview.unitsToShed)}{" "}
        {preview.unitsToShed === 1 ? "unit" : "units"}) of lowest value net of price ({formatMoney(preview.price)} a unit until prices are stored); their decisions are rejected with the
        lowered limit as the reason, {formatMoney(preview.valueReleased)} of expected value in all.
      </p>
      <ul className="mt-2 max-h-40 overflow-y-auto">
        {preview.holds.map((h) => (
          <li key={h.recommendationId} className="flex justify-between gap-2 tabular-nums" data-testid="hold-to-release">
            <span>
              {h.customerName} · {h.treatmentName}
            </span>
            <span>{formatMoney(h.netValue)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

const wholeNumber = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : null);

export function EditConstraintDialog({ resource, onClose, onDone }: ConstraintDialogProps) {
  const queryClient = useQueryClient();
  const [isPending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [limitText, setLimitText] = useState(String(resource.limit));
  const [reserveText, setReserveText] = useState(String(resource.reservedHighValue));
  const [shed, setShed] = useState<LimitPreview | null>(null);
  const id = useId();
  const limit = wholeNumber(limitText);
  const isBelowCommitted = limit !== null && limit < resource.used;
  const shedShown = shed && shed.newLimit === limit ? shed : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (isPending) return;
    const form = new FormData(event.currentTarget);
    if (isBelowCommitted) {
      startTransition(async () => {
        if (!shedShown) {
          const answer = await previewLimitChangeAction({ resourceKey: resource.key, limit });
          if (!answer.ok) return setError(answer.message);
          setError(answer.data.refusal);
          setFieldErrors(answer.data.refusal ? { limit: [answer.data.refusal] } : {});
          setShed(answer.data.refusal ? null : answer.data);
          return;
        }
        const result = await shedHoldsAction({
          resourceKey: resource.key,
          limit: limitText,
          reservedHighValue: reserveText,
          releaseIds: shedShown.holds.map((h) => h.recommendationId),
          reason: String(form.get("reason") ?? ""),
        });
        if (!result.ok) {
          setShed(null);
          setError(result.message);
          setFieldErrors(result.fieldErrors ?? {});
          return;
        }
        await queryClient.invalidateQueries({ queryKey: CONSTRAINTS_QUERY_KEY });
        onDone(result.data.message);
      });
      return;
    }
    startTransition(async () => {
      const result = await updateConstraintAction({
        resourceKey: resource.key,
        limit: String(form.get("limit") ?? ""),
        reservedHighValue: String(form.get("reservedHighValue") ?? ""),
        reason: String(form.get("reason") ?? ""),
      });
      if (!result.ok) {
        setError(result.message);
        setFieldErrors(result.fieldErrors ?? {});
        return;
      }
      await queryClient.invalidateQueries({ queryKey: CONSTRAINTS_QUERY_KEY });
      onDone(result.data.message);
    });
  }

  return (
    <Dialog
      title={`Edit limits of ${resource.name}`}
      testId="edit-constraint-dialog"
      onClose={onClose}
      isBusy={isPending}
      size="sm"
      description={
        <>
          Committed this period: <span className="tabular-nums">{formatNumber(resource.confirmed)}</span> confirmed and{" "}
          <span className="tabular-nums">{formatNumber(resource.held)}</span> held awaiting review. A limit below{" "}
          <span className="tabular-nums font-medium text-zinc-800">{formatNumber(resource.used)}</span> releases holds of lowest value, shown before anything changes; it cannot go below the{" "}
          <span className="tabular-nums">{formatNumber(resource.confirmed)}</span> confirmed.
        </>
      }
    >
      <form onSubmit={submit} noValidate className="space-y-3">
        <div className="grid grid-cols-2 gap-3">
          <div>
            <label htmlFor={`${id}-limit`} className={labelClass}>
              Limit ({resource.unit} per {resource.period})
            </label>
            <input
              id={`${id}-limit`}
              name="limit"
              type="number"
              inputMode="numeric"
              min={0}
              step={1}
              required
              value={limitText}
              onChange={(e) => setLimitText(e.target.value)}
              aria-invalid={fieldErrors.limit ? true : undefined}
              aria-describedby={fieldErrors.limit ? `${id}-limit-error ${id}-error` : undefined}
              className={`${inputClass} tabular-nums`}
              data-testid="input-limit"
            />
            <FieldError id={`${id}-limit-error`} messages={fieldErrors.limit?.filter((m) => m !== error)} />
          </div>
          <div>
            <label htmlFor={`${id}-reserve`} className={labelClass}>
              High-value reserve
            </label>
            <input
              id={`${id}-reserve`}
              name="reservedHighValue"
              type="number"
              inputMode="numeric"
              min={0}
              step={1}
              required
              value={reserveText}
              onChange={(e) => setReserveText(e.target.value)}
              aria-invalid={fieldErrors.reservedHighValue ? true : undefined}
              aria-describedby={fieldErrors.reservedHighValue ? `${id}-reserve-error` : undefined}
              className={`${inputClass} tabular-nums`}
              data-testid="input-reserve"
            />
            <FieldError id={`${id}-reserve-error`} messages={fieldErrors.reservedHighValue} />
          </div>
        </div>
        <div>
          <label htmlFor={`${id}-reason`} className={labelClass}>
            Reason (optional, shown in the change log)
          </label>
          <input id={`${id}-reason`} name="reason" type="text" maxLength={500} className={inputClass} data-testid="input-reason" />
          <FieldError id={`${id}-reason-error`} messages={fieldErrors.reason} />
        </div>
        <LimitEffect resource={resource} limit={limit} reserve={wholeNumber(reserveText)} />
        {shedShown ? <HoldsToRelease preview={shedShown} /> : null}
        <FormError id={`${id}-error`} message={error} />
        <div className="flex justify-end gap-2 pt-2">
          <button type="button" className={secondaryButtonClass} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={`${primaryButtonClass} disabled:opacity-60`} disabled={isPending} aria-disabled={isPending} data-testid="save-constraint">
            {isPending ? "Saving…" : !isBelowCommitted ? "Save limits" : shedShown ? `Release ${plural(shedShown.holds.length, "hold")} and save` : "Show holds to release"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function ResetPeriodDialog({ resource, expectedPeriodStart, onClose, onDone }: ConstraintDialogProps & { expectedPeriodStart: string }) {
  const queryClient = useQueryClient();
  const [isPending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (isPending) return;
    const form = new FormData(event.currentTarget);
    startTransition(async () => {
      const result = await resetConstraintPeriodAction({ resourceKey: resource.key, expectedPeriodStart, reason: String(form.get("reason") ?? "") });
      if (!result.ok) {
        setError(result.message);
        return;
      }
      await queryClient.invalidateQueries({ queryKey: CONSTRAINTS_QUERY_KEY });
      onDone(result.data.message);
    });
  }

  return (
    <Dialog
      title={`Start a new period of ${resource.name}?`}
      testId="reset-period-dialog"
      onClose={onClose}
      isBusy={isPending}
      size="sm"
      description={
        <>
          The current period began {formatDateTime(new Date(expectedPeriodStart))}. Its{" "}
          <span className="tabular-nums font-medium text-zinc-800">{formatNumber(resource.confirmed)}</span> confirmed {resource.unit} are freed; the{" "}
          <span className="tabular-nums font-medium text-zinc-800">{formatNumber(resource.held)}</span> held awaiting review carry over. This cannot be
          undone.
        </>
      }
    >
      <form onSubmit={submit} noValidate className="space-y-3">
        <div>
          <label htmlFor={`${id}-reason`} className={labelClass}>
            Reason (optional, shown in the change log)
          </label>
          <input id={`${id}-reason`} name="reason" type="text" maxLength={500} className={inputClass} />
        </div>
        <FormError message={error} />
        <div className="flex justify-end gap-2 pt-2">
          <button type="button" className={secondaryButtonClass} onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="inline-flex items-center justify-center rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-red-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 focus-visible:ring-offset-2 disabled:opacity-60"
            disabled={isPending}
            data-testid="confirm-reset"
          >
            {isPending ? "Resetting…" : "Reset period"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
