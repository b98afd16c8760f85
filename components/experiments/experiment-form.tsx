"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState, useTransition } from "react";
import { startExperimentAction } from "@/app/experiments/actions";
import { MAX_ARMS, MIN_ARMS } from "@/lib/validations/experiment";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "../ui/form-controls";

export type EditableTreatment = { key: string; name: string; expectedEffect: number; costPerContact: number };

type EditDraft = { treatmentKey: string; effectPercent: string; costPerContact: string };
type ArmDraft = { key: string; sharePercent: string; policy: "" | "rules" | "llm"; allocation: "" | "greedy" | "optimal"; edits: EditDraft[] };

const freshArms = (): ArmDraft[] => [
  { key: "champion", sharePercent: "50", policy: "", allocation: "", edits: [] },
  { key: "challenger", sharePercent: "50", policy: "", allocation: "", edits: [] },
];

function FieldError({ messages, testId }: { messages?: string[]; testId?: string }) {
  if (!messages?.length) return null;
  return (
    <p className="mt-1 text-xs text-red-700" data-testid={testId}>
      {messages.join(" ")}
    </p>
  );
}

/** The form that starts an experiment: a name, optional days, and 2–4 arms each with what it changes. */
export function ExperimentForm({ treatments }: { treatments: EditableTreatment[] }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [key, setKey] = useState("");
  const [startsOn, setStartsOn] = useState("");
  const [endsOn, setEndsOn] = useState("");
  const [arms, setArms] = useState<ArmDraft[]>(freshArms);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<{ tone: "error" | "done"; text: string } | null>(null);
  const [isPending, startTransition] = useTransition();
  const total = arms.reduce((s, a) => s + (Number(a.sharePercent) || 0), 0);
  const byKey = new Map(treatments.map((t) => [t.key, t]));

  const setArm = (i: number, patch: Partial<ArmDraft>) => setArms((all) => all.map((a, n) => (n === i ? { ...a, ...patch } : a)));
  const setEdit = (i: number, j: number, patch: Partial<EditDraft>) => setArm(i, { edits: arms[i]!.edits.map((e, n) => (n === j ? { ...e, ...patch } : e)) });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    startTransition(async () => {
      const result = await startExperimentAction({ name, key, startsOn, endsOn, arms });
      if (!result.ok) {
        setErrors(result.fieldErrors ?? {});
        setMessage({ tone: "error", text: result.message });
        return;
      }
      setErrors({});
      setMessage({ tone: "done", text: `Started ${result.data.name} (${result.data.key}).` });
      setName("");
      setKey("");
      setStartsOn("");
      setEndsOn("");
      setArms(freshArms());
      router.refresh();
    });
  };

  return (
    <form onSubmit={submit} className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="experiment-form" noValidate>
      <div className="grid gap-3 sm:grid-cols-5">
        <div className="sm:col-span-2">
          <label className={labelClass} htmlFor="experiment-name">
            Name
          </label>
          <input id="experiment-name" className={inputClass} value={name} onChange={(e) => setName(e.target.value)} placeholder="Cheaper SMS, winter" />
          <FieldError messages={errors.name} />
        </div>
        <div>
          <label className={labelClass} htmlFor="experiment-key">
            Key (optional)
          </label>
          <input id="experiment-key" className={inputClass} value={key} onChange={(e) => setKey(e.target.value)} placeholder="made from the name" />
          <FieldError messages={errors.key} testId="experiment-key-error" />
        </div>
        <div className="grid grid-cols-2 gap-2 sm:col-span-2">
          <div>
            <label className={labelClass} htmlFor="experiment-starts">
              Starts (UTC)
            </label>
            <input id="experiment-starts" type="date" className={inputClass} value={startsOn} onChange={(e) => setStartsOn(e.target.value)} />
          </div>
          <div>
            <label className={labelClass} htmlFor="experiment-ends">
              Ends (optional)
            </label>
            <input id="experiment-ends" type="date" className={inputClass} value={endsOn} onChange={(e) => setEndsOn(e.target.value)} />
          </div>
          <div className="col-span-2">
            <FieldError messages={[...(errors.startsOn ?? []), ...(errors.endsOn ?? [])]} testId="experiment-dates-error" />
          </div>
        </div>
      </div>

      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-zinc-900">
          Arms <span className={`ml-2 text-xs font-normal ${total === 100 ? "text-zinc-600" : "text-amber-700"}`} data-testid="experiment-share-total">shares add up to {total}%</span>
        </legend>
        {arms.map((arm, i) => (
          <div key={i} className="rounded-md border border-zinc-200 p-3" data-testid="experiment-arm-input">
            <div className="grid gap-3 sm:grid-cols-5">
              <div>
                <label className={labelClass} htmlFor={`arm-${i}-key`}>
                  Arm name
                </label>
                <input id={`arm-${i}-key`} className={inputClass} value={arm.key} onChange={(e) => setArm(i, { key: e.target.value })} />
                <FieldError messages={errors[`arms.${i}.key`]} />
              </div>
              <div>
                <label className={labelClass} htmlFor={`arm-${i}-share`}>
                  Share %
                </label>
                <input id={`arm-${i}-share`} inputMode="numeric" className={inputClass} value={arm.sharePercent} onChange={(e) => setArm(i, { sharePercent: e.target.value })} />
                <FieldError messages={errors[`arms.${i}.sharePercent`]} />
              </div>
              <div>
                <label className={labelClass} htmlFor={`arm-${i}-policy`}>
                  Policy
                </label>
                <select id={`arm-${i}-policy`} className={inputClass} value={arm.policy} onChange={(e) => setArm(i, { policy: e.target.value as ArmDraft["policy"] })}>
                  <option value="">The run&apos;s own</option>
                  <option value="rules">Deterministic rules</option>
                  <option value="llm">Language model</option>
                </select>
              </div>
              <div>
                <label className={labelClass} htmlFor={`arm-${i}-allocation`}>
                  Allocation
                </label>
                <select id={`arm-${i}-allocation`} className={inputClass} value={arm.allocation} onChange={(e) => setArm(i, { allocation: e.target.value as ArmDraft["allocation"] })}>
                  <option value="">The run&apos;s own</option>
                  <option value="greedy">Greedy (priority order)</option>
                  <option value="optimal">Optimal plan</option>
                </select>
              </div>
              <div className="flex items-end justify-end gap-2">
                <button type="button" className={secondaryButtonClass} onClick={() => setArm(i, { edits: [...arm.edits, { treatmentKey: treatments[0]?.key ?? "", effectPercent: "", costPerContact: "" }] })} disabled={treatments.length === 0}>
                  Edit a treatment
                </button>
                {arms.length > MIN_ARMS ? (
                  <button type="button" className="text-sm text-red-700 hover:underline" onClick={() => setArms((all) => all.filter((_, n) => n !== i))} aria-label={`Remove arm ${arm.key || i + 1}`}>
                    Remove
                  </button>
                ) : null}
              </div>
            </div>
            {arm.edits.map((edit, j) => {
              const catalog = byKey.get(edit.treatmentKey);
              return (
                <div key={j} className="mt-3 grid gap-3 border-t border-zinc-100 pt-3 sm:grid-cols-5" data-testid="experiment-edit-input">
                  <div className="sm:col-span-2">
                    <label className={labelClass} htmlFor={`arm-${i}-edit-${j}-treatment`}>
                      Treatment
                    </label>
                    <select id={`arm-${i}-edit-${j}-treatment`} className={inputClass} value={edit.treatmentKey} onChange={(e) => setEdit(i, j, { treatmentKey: e.target.value })}>
                      {treatments.map((t) => (
                        <option key={t.key} value={t.key}>
                          {t.name}
                        </option>
                      ))}
                    </select>
                    <FieldError messages={errors[`arms.${i}.edits.${j}.treatmentKey`]} />
                  </div>
                  <div>
                    <label className={labelClass} htmlFor={`arm-${i}-edit-${j}-effect`}>
                      Effect % {catalog ? `(catalog ${Math.round(catalog.expectedEffect * 100)}%)` : ""}
                    </label>
                    <input id={`arm-${i}-edit-${j}-effect`} inputMode="decimal" className={inputClass} value={edit.effectPercent} onChange={(e) => setEdit(i, j, { effectPercent: e.target.value })} />
                    <FieldError messages={errors[`arms.${i}.edits.${j}.effectPercent`]} />
                  </div>
                  <div>
                    <label className={labelClass} htmlFor={`arm-${i}-edit-${j}-cost`}>
                      Cost £ {catalog ? `(catalog ${catalog.costPerContact.toFixed(2)})` : ""}
                    </label>
                    <input id={`arm-${i}-edit-${j}-cost`} inputMode="decimal" className={inputClass} value={edit.costPerContact} onChange={(e) => setEdit(i, j, { costPerContact: e.target.value })} />
                    <FieldError messages={errors[`arms.${i}.edits.${j}.costPerContact`]} />
                  </div>
                  <div className="flex items-end justify-end">
                    <button type="button" className="text-sm text-red-700 hover:underline" onClick={() => setArm(i, { edits: arm.edits.filter((_, n) => n !== j) })}>
                      Remove edit
                    </button>
                  </div>
                </div>
              );
            })}
          </div>
        ))}
        <FieldError messages={errors.arms} testId="experiment-arms-error" />
        {arms.length < MAX_ARMS ? (
          <button type="button" className={secondaryButtonClass} onClick={() => setArms((all) => [...all, { key: `challenger-${all.length}`, sharePercent: "", policy: "", allocation: "", edits: [] }])}>
            Add an arm
          </button>
        ) : null}
      </fieldset>

      {message ? (
        <p role={message.tone === "error" ? "alert" : "status"} className={`rounded-md px-3 py-2 text-sm ${message.tone === "error" ? "bg-red-50 text-red-800" : "bg-emerald-50 text-emerald-800"}`} data-testid="experiment-form-message">
          {message.text}
        </p>
      ) : null}
      <div className="flex justify-end">
        <button type="submit" className={primaryButtonClass} disabled={isPending} data-testid="experiment-submit">
          {isPending ? "Starting…" : "Start experiment"}
        </button>
      </div>
    </form>
  );
}
