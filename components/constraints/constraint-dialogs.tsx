"use client";

import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState, useTransition } from "react";
import { resetConstraintPeriodAction, updateConstraintAction } from "@/app/constraints/actions";
import type { ResourceGauge } from "@/lib/queries/constraints";
import { Dialog } from "../ui/dialog";
import { formatDateTime, formatNumber } from "../ui/format";
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

export function EditConstraintDialog({ resource, onClose, onDone }: ConstraintDialogProps) {
  const queryClient = useQueryClient();
  const [isPending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const id = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (isPending) return;
    const form = new FormData(event.currentTarget);
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
          <span className="tabular-nums">{formatNumber(resource.held)}</span> held awaiting review. The limit cannot go below{" "}
          <span className="tabular-nums font-medium text-zinc-800">{formatNumber(resource.used)}</span>.
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
              defaultValue={resource.limit}
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
              defaultValue={resource.reservedHighValue}
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
        <FormError id={`${id}-error`} message={error} />
        <div className="flex justify-end gap-2 pt-2">
          <button type="button" className={secondaryButtonClass} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={`${primaryButtonClass} disabled:opacity-60`} disabled={isPending} aria-disabled={isPending} data-testid="save-constraint">
            {isPending ? "Saving…" : "Save limits"}
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
