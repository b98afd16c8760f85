"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, failedAction, refusedInput } from "@/lib/action-result";
import { getEnv } from "@/lib/env";
import { chatModelFromEnv } from "@/lib/llm/select-model";
import { startPipelineRun, startRunInputSchema } from "@/lib/pipeline/launch";
import { getPool } from "@/lib/pool";

/** Starts a run over a segment, a value tier, a number of customers or everyone; it continues in the background. */
export async function startRunAction(input: unknown): Promise<ActionResult<{ runId: string; total: number; policy: "llm" | "rules" }>> {
  const parsed = startRunInputSchema.safeParse(input);
  if (!parsed.success) return refusedInput(parsed.error);
  try {
    const started = await startPipelineRun(
      { pool: getPool(), model: chatModelFromEnv(getEnv()), onBackgroundError: (err, runId) => console.error(`[run ${runId}]`, err) },
      parsed.data,
    );
    revalidatePath("/runs");
    return { ok: true, data: started };
  } catch (err) {
    return failedAction(err, "startRun");
  }
}
