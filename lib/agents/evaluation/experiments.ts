// Champion/challenger experiments: a run's customers split between strategies by share. The split
// reuses the control group's stable hash keyed by the experiment, so a customer stays in one arm
// for the whole experiment with nothing stored, and two experiments split independently.
import { z } from "zod";
import type { PolicyKind, TreatmentDefinition } from "../domain";
import { assignArm } from "./assign";

export const ALLOCATIONS = ["greedy", "optimal"] as const;
export type Allocation = (typeof ALLOCATIONS)[number];

/** An edit to one catalog treatment for an arm; unset fields keep the catalog's values. */
export type CatalogEdit = { treatmentKey: string; expectedEffect?: number; costPerContact?: number };

/** One strategy of an experiment; each unset change leaves the run's own setting in place. */
export type ExperimentArm = {
  key: string;
  /** Share of the experiment's customers, in (0, 1]; an experiment's shares add up to 1. */
  share: number;
  policy?: PolicyKind;
  catalogEdits?: CatalogEdit[];
  allocation?: Allocation;
};

export type Experiment = {
  key: string;
  name: string;
  arms: ExperimentArm[];
  /** ISO instants; `endsAt` null runs until stopped. */
  startsAt: string;
  endsAt: string | null;
  stoppedAt: string | null;
};

const SHARE_TOLERANCE = 1e-9;
const keyField = z
  .string()
  .trim()
  .min(1, { error: "is required" })
  .max(60, { error: "is at most 60 characters" })
  .regex(/^[a-z0-9][a-z0-9_-]*$/, { error: "uses lower-case letters, digits, - and _" });

export const experimentArmSchema = z.object({
  key: keyField,
  share: z.number().gt(0, { error: "must be above 0" }).max(1, { error: "is at most 1" }),
  policy: z.enum(["rules", "llm"]).optional(),
  catalogEdits: z
    .array(
      z
        .object({
          treatmentKey: z.string().trim().min(1),
          expectedEffect: z.number().min(0).max(1).optional(),
          costPerContact: z.number().min(0).max(100_000).optional(),
        })
        .refine((e) => e.expectedEffect !== undefined || e.costPerContact !== undefined, { error: "changes neither the effect nor the cost" }),
    )
    .max(100)
    .optional(),
  allocation: z.enum(ALLOCATIONS).optional(),
});

export const experimentSchema = z
  .object({
    key: keyField,
    name: z.string().trim().min(1, { error: "is required" }).max(200),
    arms: z
      .array(experimentArmSchema)
      .min(2, { error: "needs at least two arms to compare" })
      .max(10)
      .refine((arms) => new Set(arms.map((a) => a.key)).size === arms.length, { error: "arm keys must differ" })
      .refine((arms) => Math.abs(arms.reduce((s, a) => s + a.share, 0) - 1) <= SHARE_TOLERANCE, { error: "shares must add up to 1" }),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }).nullable(),
    stoppedAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .refine((e) => e.endsAt === null || Date.parse(e.endsAt) > Date.parse(e.startsAt), { error: "must end after it starts", path: ["endsAt"] });

/** True from `startsAt` (inclusive) until `endsAt` or `stoppedAt`, whichever comes first (exclusive). */
export type ExperimentStatus = "running" | "scheduled" | "stopped" | "ended";

/** Where an experiment stands at `at`: stopped or ended from those times on, scheduled before its start, else running. */
export function experimentStatus(experiment: Pick<Experiment, "startsAt" | "endsAt" | "stoppedAt">, at: Date): ExperimentStatus {
  const t = at.getTime();
  if (experiment.stoppedAt !== null && t >= Date.parse(experiment.stoppedAt)) return "stopped";
  if (experiment.endsAt !== null && t >= Date.parse(experiment.endsAt)) return "ended";
  return t < Date.parse(experiment.startsAt) ? "scheduled" : "running";
}

export function isExperimentActive(experiment: Experiment, at: Date): boolean {
  return experimentStatus(experiment, at) === "running";
}

/**
 * The experiment a run decides under at `at`: the earliest started of the active ones, so a
 * customer is in at most one experiment per decision and a later one waits its turn.
 */
export function activeExperiment(experiments: readonly Experiment[], at: Date): Experiment | null {
  const active = experiments.filter((e) => isExperimentActive(e, at));
  active.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.key.localeCompare(b.key));
  return active[0] ?? null;
}

/** The customer's arm: fixed by customer and experiment key alone, so it never changes between runs. */
export function armFor(customerId: string, experiment: Pick<Experiment, "key" | "arms">): ExperimentArm {
  const key = assignArm(customerId, experiment.key, experiment.arms);
  return experiment.arms.find((a) => a.key === key)!;
}

/**
 * Whether a run with `policy` asks the language model for some of its customers: under an
 * experiment, when an arm decides with the model (its own policy, or the run's when it sets none);
 * otherwise, when the run's policy is the model's.
 */
export function isModelNeeded(policy: PolicyKind, experiment: Pick<Experiment, "arms"> | null): boolean {
  return experiment ? experiment.arms.some((arm) => (arm.policy ?? policy) === "llm") : policy === "llm";
}

/** What a decision under an arm uses instead of the run's own settings; null keeps the run's. */
export type ArmDecideOptions = {
  experimentKey: string;
  experimentArm: string;
  policy: PolicyKind | null;
  allocation: Allocation | null;
  catalog: TreatmentDefinition[];
};

/**
 * The decide-time options of `arm`: its policy and allocation, and `catalog` with the arm's edits.
 * An edited effect is the arm's hypothesis, so it also sets aside any effect learned from outcomes
 * for that treatment; edits naming a treatment not in `catalog` (deactivated since) change nothing.
 */
export function armDecideOptions(opts: { experiment: Pick<Experiment, "key">; arm: ExperimentArm; catalog: readonly TreatmentDefinition[] }): ArmDecideOptions {
  const edits = new Map((opts.arm.catalogEdits ?? []).map((e) => [e.treatmentKey, e]));
  const catalog = opts.catalog.map((t) => {
    const edit = edits.get(t.key);
    if (!edit || t.isNoAction) return t;
    const { learned, ...rest } = t;
    return {
      ...(edit.expectedEffect !== undefined ? rest : { ...rest, ...(learned ? { learned } : {}) }),
      expectedEffect: edit.expectedEffect ?? t.expectedEffect,
      costPerContact: edit.costPerContact ?? t.costPerContact,
    };
  });
  return { experimentKey: opts.experiment.key, experimentArm: opts.arm.key, policy: opts.arm.policy ?? null, allocation: opts.arm.allocation ?? null, catalog };
}
