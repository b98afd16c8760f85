import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "../auth/limits";

export const signInInputSchema = z
  .object({
    email: z.string("Enter your email address.").trim().toLowerCase().max(254, "An email address has at most 254 characters.").pipe(z.email("Enter a valid email address.")),
    password: z.string("Enter your password.").min(1, "Enter your password.").max(MAX_PASSWORD_LENGTH, `A password has at most ${MAX_PASSWORD_LENGTH} characters.`),
    next: z.string().max(2000).optional(),
  })
  .strict();

// A path of this app: printable URL characters only (no backslash, no whitespace or control
// characters, which browsers drop and which would let "/\t/evil.example" leave the site).
const SAFE_PATH = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#]*$/;

/** Where to go after signing in: a path of this app only, never another site ("//evil", "/\\evil", "/\t/evil"). */
export function safeNextPath(next: string | undefined | null): string {
  if (!next || next.length > 2000 || !SAFE_PATH.test(next) || next.startsWith("/sign-in")) return "/";
  const base = "http://app.invalid";
  const url = new URL(next, base);
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : "/";
}
