import { z } from "zod";
import { databaseRetryShape } from "./database/settings";
import { modelSettingsShape } from "./llm/settings";

// The only reader of process.env. Values are validated once; a bad value stops the process with a
// message naming the setting, rather than failing later somewhere else.
// An empty variable counts as unset.
const optional = <T extends z.ZodTypeAny>(inner: T) => z.preprocess((v) => (v === "" ? undefined : v), inner.optional());

/** A whole number of at least 1, `fallback` when unset. */
const count = (fallback: number) => z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1).default(fallback));

const schema = z.object({
  DATABASE_URL: optional(z.string().url()),
  /** DATABASE_RETRY_ATTEMPTS, DATABASE_RETRY_FIRST_WAIT_MS: how long processes wait out an outage. */
  ...databaseRetryShape,
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  OPENAI_API_KEY: optional(z.string().min(1)),
  OPENAI_MODEL: z.string().min(1).default("gpt-4o-mini"),
  OPENAI_BASE_URL: optional(z.string().url()),
  /** OPENAI_TIMEOUT_MS, OPENAI_MAX_RETRIES, MODEL_FAULT_LIMIT, MODEL_PAUSE_MS: what a misbehaving model may cost. */
  ...modelSettingsShape,
  /** Customers per committed batch of a run started from the app; smaller batches report progress more often. */
  RUN_BATCH_SIZE: optional(z.coerce.number().int().min(1).max(10_000)),
  /** Seconds a run may take from its creation; past it the run stops like a cancel and says so. */
  RUN_DEADLINE_SECONDS: count(3600),
  /** How a run's allocation shares capacity out: "optimal" (the whole run planned, then held) or "greedy" (priority order). */
  ALLOCATION_STRATEGY: z.enum(["optimal", "greedy"], "ALLOCATION_STRATEGY must be optimal or greedy").default("optimal"),
  /**
   * Seconds a run's job may stay active before another worker takes it over: how long a worker that
   * died (killed, machine lost) holds its chunk. A deterministic chunk takes about a second.
   */
  RUN_JOB_EXPIRE_SECONDS: count(30),
  /** Worker processes `npm start` runs beside the web server; 0 for a deployment whose workers run elsewhere. */
  WORKERS: z.coerce.number("WORKERS must be a whole number from 0 to 64").int().min(0).max(64).default(1),
  /** Signs the session cookies; 32 characters or more. `npm start` keeps one under .data/ when unset. */
  AUTH_SECRET: optional(z.string().min(32, "AUTH_SECRET must be at least 32 characters")),
  /** The address people open the app at (sign-in accepts requests from it); default http://localhost:PORT. */
  APP_URL: optional(z.string().url()),
  /**
   * Demo mode lists the demo accounts on the sign-in page and allows the demo reset. Unset is off
   * for the app; `npm start` then turns it on for its own database only.
   */
  DEMO_MODE: optional(z.enum(["true", "false"], "DEMO_MODE must be true or false")).transform((v) => (v === undefined ? undefined : v === "true")),
  /** Largest CSV file `npm run import` reads, in bytes; CSV is streamed, so this bounds time and disk, not memory. */
  IMPORT_MAX_BYTES: count(1_073_741_824),
  /** Largest JSON file `npm run import` reads, in bytes: JSON is read whole, so this bounds memory. */
  IMPORT_MAX_JSON_BYTES: count(16_777_216),
  /** Most customer rows one import may hold. */
  IMPORT_MAX_ROWS: count(5_000_000),
  /**
   * Share of customers every run holds out in the standing control group (no action, so treatments
   * can be measured against them); at most half, 0 turns the control group off.
   */
  CONTROL_GROUP_SHARE: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce.number("CONTROL_GROUP_SHARE must be a number between 0 and 0.5").min(0, "CONTROL_GROUP_SHARE must be at least 0").max(0.5, "CONTROL_GROUP_SHARE must be at most 0.5").default(0.05),
  ),
  /** Minutes after a review during which its reviewer or a manager may undo it (1 to 1440). */
  REVIEW_UNDO_MINUTES: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce.number("REVIEW_UNDO_MINUTES must be a number of minutes").int("REVIEW_UNDO_MINUTES must be whole minutes").min(1).max(1440).default(10),
  ),
  /** The password `npm run user:add` gives the new user, when not typed on standard input. */
  NEW_USER_PASSWORD: optional(z.string()),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function getEnv(source: NodeJS.ProcessEnv = process.env): Env {
  if (source === process.env && cached) return cached;
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid settings: ${problems}`);
  }
  if (source === process.env) cached = parsed.data;
  return parsed.data;
}
