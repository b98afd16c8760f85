"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import type { Experiment } from "@/lib/agents/evaluation/experiments";
import { authorize } from "@/lib/auth/roles";
import { createExperiment, stopExperiment } from "@/lib/pipeline/experiments";
import { getPool } from "@/lib/pool";
import { getCurrentActor } from "@/lib/session/actor";
import { experimentFormSchema, experimentInputOf, formFieldOf, stopExperimentSchema } from "@/lib/validations/experiment";

function refused(fieldErrors: Record<string, string>): ActionResult<never> {
  const entries = Object.entries(fieldErrors).map(([field, message]) => [formFieldOf(field), [message]] as [string, string[]]);
  return { ok: false, message: entries[0]?.[1][0] ?? "The experiment was refused.", fieldErrors: Object.fromEntries(entries) };
}

const revalidate = () => {
  revalidatePath("/experiments");
  revalidatePath("/evaluation");
};

/** Starts an experiment from the form; refusals name the field and change nothing. Audited. */
export async function startExperimentAction(input: unknown): Promise<ActionResult<Experiment>> {
  try {
    const actor = authorize(await getCurrentActor(), "experiments.manage");
    const parsed = parseActionInput(experimentFormSchema, input);
    if (!parsed.ok) return parsed;
    const result = await createExperiment(getPool(), { input: experimentInputOf(parsed.data, new Date()), actor });
    if (!result.ok) return refused(result.fieldErrors);
    revalidate();
    return { ok: true, data: result.experiment };
  } catch (err) {
    return failedAction(err, "startExperiment");
  }
}

/** Stops an experiment now: runs from then on decide without it; its decisions keep their arm. Audited. */
export async function stopExperimentAction(input: unknown): Promise<ActionResult<{ key: string }>> {
  try {
    const actor = authorize(await getCurrentActor(), "experiments.manage");
    const parsed = parseActionInput(stopExperimentSchema, input);
    if (!parsed.ok) return parsed;
    const isStopped = await stopExperiment(getPool(), { key: parsed.data.key, actor });
    if (!isStopped) return { ok: false, message: `No running experiment has the key ${parsed.data.key}; it may have been stopped already.` };
    revalidate();
    return { ok: true, data: { key: parsed.data.key } };
  } catch (err) {
    return failedAction(err, "stopExperiment");
  }
}
