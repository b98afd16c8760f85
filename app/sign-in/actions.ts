"use server";

import { APIError } from "better-auth/api";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { parseActionInput } from "@/lib/action-result";
import { DEACTIVATED_MESSAGE, DEMO_ONLY_MESSAGE, TOO_MANY_ATTEMPTS_MESSAGE, getAuth } from "@/lib/auth/auth";
import { getEnv } from "@/lib/env";
import { getPool } from "@/lib/pool";
import { safeNextPath, signInInputSchema } from "@/lib/validations/auth";

export type SignInState = { message?: string; fieldErrors?: Record<string, string[]>; email?: string };

const WRONG_CREDENTIALS = "The email address or the password is wrong.";

function refusalOf(err: unknown): string | null {
  if (!(err instanceof APIError)) return null;
  if (err.statusCode === 429) return TOO_MANY_ATTEMPTS_MESSAGE;
  if (err.statusCode === 403 && (err.message === DEMO_ONLY_MESSAGE || err.message === DEACTIVATED_MESSAGE)) return err.message;
  if (err.statusCode === 400 || err.statusCode === 401) return WRONG_CREDENTIALS;
  return null;
}

/** Signs in with email and password, sets the session cookie and goes to `next` (a path of this app). */
export async function signInAction(_previous: SignInState, formData: FormData): Promise<SignInState> {
  const raw = { email: formData.get("email"), password: formData.get("password"), next: formData.get("next") ?? undefined };
  const email = typeof raw.email === "string" ? raw.email.slice(0, 254) : "";
  const parsed = parseActionInput(signInInputSchema, raw);
  if (!parsed.ok) return { message: parsed.message, fieldErrors: parsed.fieldErrors, email };
  try {
    await getAuth(getEnv(), getPool()).api.signInEmail({ body: { email: parsed.data.email, password: parsed.data.password, rememberMe: true }, headers: await headers() });
  } catch (err) {
    const refusal = refusalOf(err);
    if (!refusal) console.error("[action] signIn failed", err);
    return { message: refusal ?? "Signing in failed on the server; try again shortly.", email };
  }
  redirect(safeNextPath(parsed.data.next));
}

/** Ends this browser's session (its row is deleted) and returns to the sign-in page. */
export async function signOutAction(): Promise<void> {
  try {
    await getAuth(getEnv(), getPool()).api.signOut({ headers: await headers() });
  } catch (err) {
    // Without a valid session there is nothing to end; the cookie is gone either way.
    if (!(err instanceof APIError)) console.error("[action] signOut failed", err);
  }
  redirect("/sign-in");
}
