// The shape every server action answers with: data, or a message for people (and per-field
// messages when the input was refused). Unexpected errors are logged, never shown.
import { ZodError, type ZodType } from "zod";
import { AppError } from "./errors";
import { RunRequestError } from "./pipeline/runs";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; message: string; fieldErrors?: Record<string, string[]> };

export function refusedInput(error: ZodError): ActionResult<never> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "input";
    (fieldErrors[key] ??= []).push(issue.message);
  }
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join(".")}: ` : "";
  return { ok: false, message: first ? `${where}${first.message}` : "The input was refused.", fieldErrors };
}

/** Turns an error thrown by the work into an answer: known refusals as they are, the rest logged. */
export function failedAction(err: unknown, context: string): ActionResult<never> {
  if (err instanceof ZodError) return refusedInput(err);
  if (err instanceof RunRequestError) return { ok: false, message: err.message };
  if (err instanceof AppError) return { ok: false, message: err.userMessage };
  console.error(`[action] ${context} failed`, err);
  return { ok: false, message: "Something went wrong on the server; nothing was changed. Try again, and tell an administrator if it persists." };
}

/** Largest input a server action reads, as JSON; a form or a bulk review of 500 ids needs far less. */
export const MAX_ACTION_INPUT_BYTES = 64 * 1024;

/**
 * An action's input checked before any work: refused when it is not plain data, larger than
 * MAX_ACTION_INPUT_BYTES, or not what `schema` describes (with per-field messages).
 */
export function parseActionInput<T>(schema: ZodType<T>, input: unknown): { ok: true; data: T } | { ok: false; message: string; fieldErrors?: Record<string, string[]> } {
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch {
    return { ok: false, message: "The request could not be read: send plain data." };
  }
  const bytes = json === undefined ? 0 : Buffer.byteLength(json, "utf8");
  if (bytes > MAX_ACTION_INPUT_BYTES) {
    return { ok: false, message: `The request is too large (${Math.ceil(bytes / 1024)} KB; at most ${MAX_ACTION_INPUT_BYTES / 1024} KB).` };
  }
  // Every action takes its fields in one object; anything else is answered before the schema speaks.
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    const message = "The request has no fields: send them as one object.";
    return { ok: false, message, fieldErrors: { input: [message] } };
  }
  const parsed = schema.safeParse(input);
  return parsed.success ? { ok: true, data: parsed.data } : refusedInput(parsed.error);
}
