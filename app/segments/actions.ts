"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import { authorize } from "@/lib/auth/roles";
import { type RunPreview, previewRun } from "@/lib/pipeline/run-preview";
import { runScopeSchema } from "@/lib/pipeline/runs";
import { type FoundSegments, createSegment, deleteSegment, findSegments, segmentModelSchema, segmentNameSchema, segmentRuleSchema, updateSegment } from "@/lib/pipeline/segments";
import { getPool } from "@/lib/pool";
import { listSegmentChoices } from "@/lib/queries/segments";
import { getCurrentActor } from "@/lib/session/actor";

function refresh() {
  revalidatePath("/segments");
  revalidatePath("/customers");
  revalidatePath("/runs");
  revalidatePath("/audit");
}

const createRuleInputSchema = z.object({ name: segmentNameSchema, rule: segmentRuleSchema }).strict();

/** Saves a rule segment under a name (managers and administrators). */
export async function createRuleSegmentAction(input: unknown): Promise<ActionResult<{ id: string; description: string }>> {
  try {
    const actor = authorize(await getCurrentActor(), "segments.manage");
    const parsed = parseActionInput(createRuleInputSchema, input);
    if (!parsed.ok) return parsed;
    const saved = await createSegment(getPool(), { segment: { kind: "rule", ...parsed.data }, actor });
    refresh();
    return { ok: true, data: { id: saved.id, description: saved.description } };
  } catch (err) {
    return failedAction(err, "createRuleSegment");
  }
}

const saveFoundInputSchema = z
  .object({ name: segmentNameSchema, model: segmentModelSchema, modelIndex: z.number().int().min(0).max(19), description: z.string().max(300) })
  .strict()
  .refine((x) => x.modelIndex < x.model.centroids.length, { message: "No such group in this model", path: ["modelIndex"] });

/** Saves one group that Find segments showed, with the model that places customers in it. */
export async function saveFoundSegmentAction(input: unknown): Promise<ActionResult<{ id: string; description: string }>> {
  try {
    const actor = authorize(await getCurrentActor(), "segments.manage");
    const parsed = parseActionInput(saveFoundInputSchema, input);
    if (!parsed.ok) return parsed;
    const saved = await createSegment(getPool(), { segment: { kind: "found", ...parsed.data }, actor });
    refresh();
    return { ok: true, data: { id: saved.id, description: saved.description } };
  } catch (err) {
    return failedAction(err, "saveFoundSegment");
  }
}

const findInputSchema = z.object({ seed: z.number().int().min(0).max(2 ** 32 - 1) }).strict();

/** Runs the Segmentation agent over the stored insights; changes nothing, so managers only to spare the server. */
export async function findSegmentsAction(input: unknown): Promise<ActionResult<FoundSegments | null>> {
  try {
    authorize(await getCurrentActor(), "segments.manage");
    const parsed = parseActionInput(findInputSchema, input);
    if (!parsed.ok) return parsed;
    return { ok: true, data: await findSegments(getPool(), { seed: parsed.data.seed }) };
  } catch (err) {
    return failedAction(err, "findSegments");
  }
}

const renameInputSchema = z.object({ id: z.uuid("Choose a segment."), name: segmentNameSchema, rule: segmentRuleSchema.optional() }).strict();

/** Renames a segment and, for a rule segment, may replace its rule. */
export async function updateSegmentAction(input: unknown): Promise<ActionResult<{ description: string }>> {
  try {
    const actor = authorize(await getCurrentActor(), "segments.manage");
    const parsed = parseActionInput(renameInputSchema, input);
    if (!parsed.ok) return parsed;
    const saved = await updateSegment(getPool(), { ...parsed.data, actor });
    refresh();
    return { ok: true, data: { description: saved.description } };
  } catch (err) {
    return failedAction(err, "updateSegment");
  }
}

const deleteInputSchema = z.object({ id: z.uuid("Choose a segment.") }).strict();

export async function deleteSegmentAction(input: unknown): Promise<ActionResult<null>> {
  try {
    const actor = authorize(await getCurrentActor(), "segments.manage");
    const parsed = parseActionInput(deleteInputSchema, input);
    if (!parsed.ok) return parsed;
    await deleteSegment(getPool(), { id: parsed.data.id, actor });
    refresh();
    return { ok: true, data: null };
  } catch (err) {
    return failedAction(err, "deleteSegment");
  }
}

/** The run form's preview: whoever may start a run may see what it would cover and consume. */
export async function previewRunAction(input: unknown): Promise<ActionResult<RunPreview>> {
  try {
    authorize(await getCurrentActor(), "runs.start");
    const parsed = parseActionInput(z.object({ scope: runScopeSchema }).strict(), input);
    if (!parsed.ok) return parsed;
    return { ok: true, data: await previewRun(getPool(), parsed.data.scope) };
  } catch (err) {
    return failedAction(err, "previewRun");
  }
}

/** Saved segments by name with their last counted size, for the run form's scope choice. */
export async function listSegmentChoicesAction(): Promise<ActionResult<{ id: string; name: string; size: number | null }[]>> {
  try {
    authorize(await getCurrentActor(), "runs.start");
    return { ok: true, data: await listSegmentChoices(getPool()) };
  } catch (err) {
    return failedAction(err, "listSegmentChoices");
  }
}
