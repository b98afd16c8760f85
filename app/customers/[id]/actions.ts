"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, failedAction, refusedInput } from "@/lib/action-result";
import { getEnv } from "@/lib/env";
import { chatModelFromEnv } from "@/lib/llm/select-model";
import { type CustomerRunResult, customerRunInputSchema, runPipelineForCustomer } from "@/lib/pipeline/launch";
import { getPool } from "@/lib/pool";

/** Runs the pipeline for one customer and answers with the recommendation it made. */
export async function runCustomerPipelineAction(input: unknown): Promise<ActionResult<CustomerRunResult>> {
  const parsed = customerRunInputSchema.safeParse(input);
  if (!parsed.success) return refusedInput(parsed.error);
  try {
    const result = await runPipelineForCustomer({ pool: getPool(), model: chatModelFromEnv(getEnv()) }, parsed.data);
    revalidatePath(`/customers/${parsed.data.customerId}`);
    revalidatePath("/review");
    return { ok: true, data: result };
  } catch (err) {
    return failedAction(err, "runCustomerPipeline");
  }
}
