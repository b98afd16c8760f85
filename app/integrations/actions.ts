"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import { authorize } from "@/lib/auth/roles";
import { createIntegrationToken, integrationNameSchema, revokeIntegrationToken } from "@/lib/outcomes/tokens";
import { getPool } from "@/lib/pool";
import { getCurrentActor } from "@/lib/session/actor";

// Tokens write data on their own, so only those who manage who may sign in manage them too.
const admin = async () => authorize(await getCurrentActor(), "users.manage");

function refreshed() {
  revalidatePath("/integrations");
  revalidatePath("/audit");
}

/** Creates a token for a system; the answer carries the token, which is never shown again. */
export async function createIntegrationTokenAction(input: unknown): Promise<ActionResult<{ token: string; message: string }>> {
  try {
    const actor = await admin();
    const parsed = parseActionInput(z.object({ name: integrationNameSchema }), input);
    if (!parsed.ok) return parsed;
    const created = await createIntegrationToken(getPool(), { actor, name: parsed.data.name });
    refreshed();
    return { ok: true, data: { token: created.token, message: `Token created for ${created.name}. Copy it now: it is not shown again.` } };
  } catch (err) {
    return failedAction(err, "createIntegrationToken");
  }
}

/** Revokes a token: the system's next request is refused. */
export async function revokeIntegrationTokenAction(input: unknown): Promise<ActionResult<{ message: string }>> {
  try {
    const actor = await admin();
    const parsed = parseActionInput(z.object({ id: z.uuid() }), input);
    if (!parsed.ok) return parsed;
    const { name } = await revokeIntegrationToken(getPool(), { actor, id: parsed.data.id });
    refreshed();
    return { ok: true, data: { message: `The token of ${name} is revoked; its next request will be refused.` } };
  } catch (err) {
    return failedAction(err, "revokeIntegrationToken");
  }
}
