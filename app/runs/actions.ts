"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import { type Actor, authorize } from "@/lib/auth/roles";
import { getEnv } from "@/lib/env";
import { chatModelFromEnv } from "@/lib/llm/select-model";
import { type LaunchDeps, startPipelineRun, startRunAgain, startRunInputSchema } from "@/lib/pipeline/launch";
import { requestCancel } from "@/lib/pipeline/runs";
import { getPool } from "@/lib/pool";
import { getCurrentActor } from "@/lib/session/actor";

type StartedRun = { runId: string; total: number; policy: "llm" | "rules" };

// A form sends one key per submission; a repeat of that key (a double click, a retried request)
// gets the first answer instead of a second run. Kept per server process, which is where runs live.
const REQUEST_KEY_TTL_MS = 10 * 60_000;
const startedByKey = new Map<string, { at: number; result: Promise<ActionResult<StartedRun>> }>();

function rememberRequest(key: string, start: () => Promise<ActionResult<StartedRun>>): Promise<ActionResult<StartedRun>> {
  const now = Date.now();
  for (const [k, v] of startedByKey) if (now - v.at > REQUEST_KEY_TTL_MS) startedByKey.delete(k);
  const known = startedByKey.get(key);
  if (known) return known.result;
  const result = start();
  startedByKey.set(key, { at: now, result });
  // A refused or failed start may be tried again with the same key.
  void result.then((r) => {
    if (!r.ok) startedByKey.delete(key);
  });
  return result;
}

const requestKeySchema = z.object({ requestKey: z.uuid("requestKey must be a UUID.").optional() }).passthrough();

/**
 * Starts a run over a segment, a value tier, a number of customers or everyone; it continues in the
 * background. An optional `requestKey` makes repeats of one submission start a single run.
 */
export async function startRunAction(input: unknown): Promise<ActionResult<StartedRun>> {
  let actor: Actor;
  try {
    actor = authorize(await getCurrentActor(), "runs.start");
  } catch (err) {
    return failedAction(err, "startRun");
  }
  const keyed = parseActionInput(requestKeySchema, input);
  if (!keyed.ok) return keyed;
  const { requestKey, ...rest } = keyed.data;
  const parsed = parseActionInput(startRunInputSchema, rest);
  if (!parsed.ok) return parsed;

  const start = () => startedRun("startRun", (deps) => startPipelineRun(deps, { ...parsed.data, actor }));
  // Keys are the submitter's own: another user sending the same key starts their own run.
  return requestKey ? rememberRequest(`start:${actor.id ?? "system"}:${requestKey}`, start) : start();
}

/** Starts a run through `start` with the app's settings; the runs screen and the overview show it. */
async function startedRun(action: string, start: (deps: LaunchDeps) => Promise<StartedRun>): Promise<ActionResult<StartedRun>> {
  try {
    const env = getEnv();
    const started = await start({ pool: getPool(), model: chatModelFromEnv(env), batchSize: env.RUN_BATCH_SIZE, controlGroupShare: env.CONTROL_GROUP_SHARE });
    revalidatePath("/runs");
    revalidatePath("/");
    return { ok: true, data: started };
  } catch (err) {
    return failedAction(err, action);
  }
}

const runAgainInputSchema = z.object({ runId: z.uuid("Choose a run."), requestKey: z.uuid("requestKey must be a UUID.").optional() }).strict();

/**
 * Starts a new run over the selection and with the policy of a run that failed or was cancelled; an
 * optional `requestKey` makes repeats of one click start a single run.
 */
export async function runAgainAction(input: unknown): Promise<ActionResult<StartedRun>> {
  let actor: Actor;
  try {
    actor = authorize(await getCurrentActor(), "runs.start");
  } catch (err) {
    return failedAction(err, "runAgain");
  }
  const parsed = parseActionInput(runAgainInputSchema, input);
  if (!parsed.ok) return parsed;
  const { runId, requestKey } = parsed.data;
  const start = () => startedRun("runAgain", (deps) => startRunAgain(deps, { runId, actor }));
  // A key sent again for another run (or by the start form) is another request.
  return requestKey ? rememberRequest(`again:${runId}:${actor.id ?? "system"}:${requestKey}`, start) : start();
}

const cancelRunInputSchema = z.object({ runId: z.uuid("Choose a run.") }).strict();

/** Asks a queued or running run to stop after its current batch; refuses, by its status, a run that already ended. */
export async function cancelRunAction(input: unknown): Promise<ActionResult<{ runId: string; isAlreadyRequested: boolean }>> {
  try {
    const actor = authorize(await getCurrentActor(), "runs.cancel");
    const parsed = parseActionInput(cancelRunInputSchema, input);
    if (!parsed.ok) return parsed;
    const { runId } = parsed.data;
    const { isAlreadyRequested } = await requestCancel(getPool(), { runId, actor });
    if (!isAlreadyRequested) revalidatePath("/runs");
    return { ok: true, data: { runId, isAlreadyRequested } };
  } catch (err) {
    return failedAction(err, "cancelRun");
  }
}
