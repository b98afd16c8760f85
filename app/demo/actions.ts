"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import { authorize } from "@/lib/auth/roles";
import { resetDemo } from "@/lib/demo/reset";
import { getEnv } from "@/lib/env";
import { getCurrentActor } from "@/lib/session/actor";

const resetDemoInputSchema = z.object({ confirmation: z.literal("reset", "Confirm the reset first.") }).strict();

/** Restores the seeded demo data; managers and admins only, in demo mode only, never while a run is in progress. */
export async function resetDemoAction(input: unknown): Promise<ActionResult<{ customers: number; durationMs: number }>> {
  try {
    const actor = authorize(await getCurrentActor(), "demo.reset");
    const parsed = parseActionInput(resetDemoInputSchema, input);
    if (!parsed.ok) return parsed;
    const env = getEnv();
    if (!env.DEMO_MODE) return { ok: false, message: "The demo reset is available in demo mode only; this database keeps its data." };
    const url = env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    const result = await resetDemo({ url, actor });
    revalidatePath("/", "layout");
    return { ok: true, data: { customers: result.customers, durationMs: result.durationMs } };
  } catch (err) {
    return failedAction(err, "resetDemo");
  }
}
