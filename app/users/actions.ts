"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import { authorize } from "@/lib/auth/roles";
import { createUser, resetUserPassword, updateUser } from "@/lib/auth/users";
import { db } from "@/lib/db";
import { getCurrentActor } from "@/lib/session/actor";
import { createUserInputSchema, resetPasswordInputSchema, updateUserInputSchema } from "@/lib/validations/users";

const admin = async () => authorize(await getCurrentActor(), "users.manage");

function refreshed() {
  revalidatePath("/users");
  revalidatePath("/audit");
}

/** Adds a user who can sign in with the given password at once (administrators only). */
export async function createUserAction(input: unknown): Promise<ActionResult<{ id: string; message: string }>> {
  try {
    const actor = await admin();
    const parsed = parseActionInput(createUserInputSchema, input);
    if (!parsed.ok) return parsed;
    const result = await createUser(db, { actor, input: parsed.data });
    refreshed();
    return { ok: true, data: result };
  } catch (err) {
    return failedAction(err, "createUser");
  }
}

/** Changes a user's name, role or whether they may sign in; deactivating ends their sessions. */
export async function updateUserAction(input: unknown): Promise<ActionResult<{ isChanged: boolean; message: string; sessionsEnded: number }>> {
  try {
    const actor = await admin();
    const parsed = parseActionInput(updateUserInputSchema, input);
    if (!parsed.ok) return parsed;
    const result = await updateUser(db, { actor, input: parsed.data });
    if (result.isChanged) refreshed();
    return { ok: true, data: result };
  } catch (err) {
    return failedAction(err, "updateUser");
  }
}

/** Sets a new password for a user and ends their sessions. */
export async function resetUserPasswordAction(input: unknown): Promise<ActionResult<{ message: string; sessionsEnded: number }>> {
  try {
    const actor = await admin();
    const parsed = parseActionInput(resetPasswordInputSchema, input);
    if (!parsed.ok) return parsed;
    const result = await resetUserPassword(db, { actor, input: parsed.data });
    refreshed();
    return { ok: true, data: result };
  } catch (err) {
    return failedAction(err, "resetUserPassword");
  }
}
