// What a manager fills in to start an experiment, on the screen or in a file for the command line:
// shares in whole percent, dates as UTC days. It becomes the stored experiment (experimentSchema)
// once every rule a person can fix has been named on the field that breaks it.
import { z } from "zod";
import type { ExperimentInput } from "../pipeline/experiments";

export const MIN_ARMS = 2;
export const MAX_ARMS = 4;

const optionalNumber = (opts: { min: number; max: number; label: string }) =>
  z.preprocess(
    (v) => (v === "" || v === null ? undefined : typeof v === "string" ? Number(v) : v),
    z
      .number({ error: `${opts.label} must be a number` })
      .min(opts.min, { error: `${opts.label} must be at least ${opts.min}` })
      .max(opts.max, { error: `${opts.label} must be at most ${opts.max}` })
      .optional(),
  );

const editSchema = z
  .object({
    treatmentKey: z.string().trim().min(1, { error: "Pick a treatment to edit" }),
    /** Percent, 0–100. */
    effectPercent: optionalNumber({ min: 0, max: 100, label: "The effect" }),
    /** GBP per contact. */
    costPerContact: optionalNumber({ min: 0, max: 100_000, label: "The cost" }),
  })
  .refine((e) => e.effectPercent !== undefined || e.costPerContact !== undefined, { error: "Give an effect or a cost, or remove the edit", path: ["effectPercent"] });

const armSchema = z.object({
  key: z
    .string()
    .trim()
    .min(1, { error: "Name the arm" })
    .max(60, { error: "An arm's name is at most 60 characters" })
    .regex(/^[a-z0-9][a-z0-9_-]*$/, { error: "Use lower-case letters, digits, - and _ (e.g. champion)" }),
  sharePercent: z.preprocess(
    (v) => (v === "" ? undefined : typeof v === "string" ? Number(v) : v),
    z.number({ error: "Give the arm's share in percent" }).int({ error: "A share is a whole percent" }).min(1, { error: "A share is at least 1%" }).max(99, { error: "A share is at most 99%" }),
  ),
  policy: z.enum(["", "rules", "llm"], { error: "Pick the run's policy, rules or llm" }).default(""),
  allocation: z.enum(["", "greedy", "optimal"], { error: "Pick the run's allocation, greedy or optimal" }).default(""),
  edits: z.array(editSchema).max(20, { error: "At most 20 edits an arm" }).default([]),
});

const dayField = z.union([z.literal(""), z.iso.date({ error: "Give a date as YYYY-MM-DD" })]).default("");

export const experimentFormSchema = z
  .object({
    name: z.string().trim().min(1, { error: "Name the experiment" }).max(200, { error: "A name is at most 200 characters" }),
    /** Optional: made from the name when left empty. */
    key: z.string().trim().max(60).default(""),
    startsOn: dayField,
    endsOn: dayField,
    arms: z.array(armSchema).min(MIN_ARMS, { error: `An experiment compares at least ${MIN_ARMS} arms` }).max(MAX_ARMS, { error: `An experiment has at most ${MAX_ARMS} arms` }),
  })
  .strict()
  .superRefine((f, ctx) => {
    const total = f.arms.reduce((s, a) => s + a.sharePercent, 0);
    if (total !== 100) ctx.addIssue({ code: "custom", path: ["arms"], message: `The shares add up to ${total}%; they must add up to 100%` });
    const seen = new Set<string>();
    f.arms.forEach((a, i) => {
      if (seen.has(a.key)) ctx.addIssue({ code: "custom", path: ["arms", i, "key"], message: `Another arm is already called ${a.key}` });
      seen.add(a.key);
      const edited = new Set<string>();
      a.edits.forEach((e, j) => {
        if (edited.has(e.treatmentKey)) ctx.addIssue({ code: "custom", path: ["arms", i, "edits", j, "treatmentKey"], message: "This arm edits that treatment already" });
        edited.add(e.treatmentKey);
      });
    });
    if (f.startsOn && f.endsOn && f.endsOn <= f.startsOn) ctx.addIssue({ code: "custom", path: ["endsOn"], message: "The end must be after the start" });
    if (f.key && !/^[a-z0-9][a-z0-9_-]*$/.test(f.key)) ctx.addIssue({ code: "custom", path: ["key"], message: "Use lower-case letters, digits, - and _" });
  });

export type ExperimentForm = z.input<typeof experimentFormSchema>;
export type ParsedExperimentForm = z.output<typeof experimentFormSchema>;

/** "Call vs SMS, winter" → "call-vs-sms-winter": the key decisions keep, readable in exports. */
export function keyFromName(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug || "experiment";
}

/**
 * The stored experiment a form describes. A start day of today or earlier (or none) starts at
 * `now`, so decisions of runs already under way are not relabelled; a later day starts at its
 * midnight UTC, and an end day ends at its midnight UTC.
 */
export function experimentInputOf(form: ParsedExperimentForm, now: Date): ExperimentInput {
  const midnight = (day: string) => new Date(`${day}T00:00:00Z`);
  const startsAt = form.startsOn && midnight(form.startsOn) > now ? midnight(form.startsOn) : now;
  return {
    key: form.key || keyFromName(form.name),
    name: form.name,
    startsAt: startsAt.toISOString(),
    endsAt: form.endsOn ? midnight(form.endsOn).toISOString() : null,
    stoppedAt: null,
    arms: form.arms.map((a) => ({
      key: a.key,
      share: a.sharePercent / 100,
      ...(a.policy ? { policy: a.policy } : {}),
      ...(a.allocation ? { allocation: a.allocation } : {}),
      ...(a.edits.length > 0
        ? {
            catalogEdits: a.edits.map((e) => ({
              treatmentKey: e.treatmentKey,
              ...(e.effectPercent !== undefined ? { expectedEffect: e.effectPercent / 100 } : {}),
              ...(e.costPerContact !== undefined ? { costPerContact: e.costPerContact } : {}),
            })),
          }
        : {}),
    })),
  };
}

/** The form's name of a stored experiment's field, so a refusal by the database check marks the field the person filled in. */
export function formFieldOf(field: string): string {
  return ({ startsAt: "startsOn", endsAt: "endsOn" } as Record<string, string>)[field] ?? field;
}

export const stopExperimentSchema = z.object({ key: z.string().trim().min(1, { error: "Name the experiment to stop" }).max(60) }).strict();
