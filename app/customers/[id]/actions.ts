"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, failedAction, refusedInput } from "@/lib/action-result";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { chatModelFromEnv } from "@/lib/llm/select-model";
import { type CustomerRunResult, customerRunInputSchema, runPipelineForCustomer } from "@/lib/pipeline/launch";
import { getPool } from "@/lib/pool";
import { getCurrentActor } from "@/lib/session/actor";

/** Runs the pipeline for one customer and answers with the recommendation it made. */
export async function runCustomerPipelineAction(input: unknown): Promise<ActionResult<CustomerRunResult>> {
  try {
    const actor = await getCurrentActor();
    if (actor.role === "viewer") throw new AppError({ code: "forbidden", userMessage: "Only marketers and managers may run the pipeline." });
    const parsed = customerRunInputSchema.safeParse(input);
    if (!parsed.success) return refusedInput(parsed.error);
    const result = await runPipelineForCustomer({ pool: getPool(), model: chatModelFromEnv(getEnv()) }, { ...parsed.data, requestedById: actor.id });
    revalidatePath(`/customers/${parsed.data.customerId}`);
    revalidatePath("/review");
    return { ok: true, data: result };
  } catch (err) {
    return failedAction(err, "runCustomerPipeline");
  }
}
