"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import { authorize } from "@/lib/auth/roles";
import { getEnv } from "@/lib/env";
import { chatModelFromEnv } from "@/lib/llm/select-model";
import { type CustomerRunResult, customerRunInputSchema, runPipelineForCustomer } from "@/lib/pipeline/launch";
import { getPool } from "@/lib/pool";
import { getCurrentActor } from "@/lib/session/actor";

/** Runs the pipeline for one customer and answers with the recommendation it made. */
export async function runCustomerPipelineAction(input: unknown): Promise<ActionResult<CustomerRunResult>> {
  try {
    const actor = authorize(await getCurrentActor(), "runs.start");
    const parsed = parseActionInput(customerRunInputSchema, input);
    if (!parsed.ok) return parsed;
    const result = await runPipelineForCustomer({ pool: getPool(), model: chatModelFromEnv(getEnv()), controlGroupShare: getEnv().CONTROL_GROUP_SHARE }, { ...parsed.data, actor });
    revalidatePath(`/customers/${parsed.data.customerId}`);
    revalidatePath("/review");
    return { ok: true, data: result };
  } catch (err) {
    return failedAction(err, "runCustomerPipeline");
  }
}
