"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, failedAction, parseActionInput } from "@/lib/action-result";
import { authorize } from "@/lib/auth/roles";
import { type ContactPolicyRuleUpdateResult, updateContactPolicyRule, updateContactPolicyRuleInputSchema } from "@/lib/pipeline/contact-policy";
import { getPool } from "@/lib/pool";
import { getCurrentActor } from "@/lib/session/actor";

/** Changes one rule of the contact policy (managers and administrators); the next decision and every approval follow it. */
export async function updateContactPolicyRuleAction(input: unknown): Promise<ActionResult<ContactPolicyRuleUpdateResult>> {
  try {
    const actor = authorize(await getCurrentActor(), "contact_policy.manage");
    const parsed = parseActionInput(updateContactPolicyRuleInputSchema, input);
    if (!parsed.ok) return parsed;
    const result = await updateContactPolicyRule(getPool(), { actor, input: parsed.data });
    if (result.isChanged) {
      revalidatePath("/contact-policy");
      revalidatePath("/audit");
    }
    return { ok: true, data: result };
  } catch (err) {
    return failedAction(err, "updateContactPolicyRule");
  }
}
