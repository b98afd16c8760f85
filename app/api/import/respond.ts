import { AppError } from "@/lib/errors";

export const NO_STORE = { "Cache-Control": "no-store" } as const;

/** A refused request: 401 signed out, 403 not allowed, 400 otherwise, with the message a person may read. */
export function refused(err: unknown): Response {
  if (err instanceof AppError) {
    const status = err.code === "unauthenticated" ? 401 : err.code === "forbidden" ? 403 : err.code === "not_found" ? 404 : 400;
    return Response.json({ message: err.userMessage }, { status, headers: NO_STORE });
  }
  throw err;
}
