/** Error codes the app distinguishes; each maps to a message a user may read. */
export type AppErrorCode =
  | "invalid_input"
  | "not_found"
  | "unauthenticated"
  | "forbidden"
  | "conflict"
  | "capacity_exhausted"
  | "import_failed"
  | "internal";

/** One error type: `userMessage` may be shown, `detail` is for logs only. */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly userMessage: string;
  readonly detail?: unknown;

  constructor(opts: { code: AppErrorCode; userMessage: string; detail?: unknown }) {
    super(opts.userMessage);
    this.name = "AppError";
    this.code = opts.code;
    this.userMessage = opts.userMessage;
    this.detail = opts.detail;
  }
}
