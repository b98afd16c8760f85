"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type ActionResult, failedAction, refusedInput } from "@/lib/action-result";
import { resetDemo } from "@/lib/demo/reset";
import { getEnv } from "@/lib/env";
import { getCurrentActor } from "@/lib/session/actor";

const resetDemoInputSchema = z.object({ confirmation: z.literal("reset", "Confirm the reset first.") }).strict();

/** Restores the seeded demo data; managers and admins only, never while a run is in progress. */
export async function resetDemoAction(input: unknown): Promise<ActionResult<{ customers: number; durationMs: number }>> {
  const parsed = resetDemoInputSchema.safeParse(input);
  if (!parsed.success) return refusedInput(parsed.error);
  const actor = await getCurrentActor();
  if (actor.role !== "manager" && actor.role !== "admin") return { ok: false, message: "Only a manager or an administrator can reset the demo." };
  try {
    const url = getEnv().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    const result = await resetDemo({ url, actor });
    revalidatePath("/", "layout");
    return { ok: true, data: { customers: result.customers, durationMs: result.durationMs } };
  } catch (err) {
    return failedAction(err, "resetDemo");
  }
}
