import { z } from "zod";
import { parseDayRange } from "./allocations";
import { pageSchema, type RawSearchParams } from "./list-params";

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const text = (max: number) =>
  z.preprocess(
    first,
    z
      .string()
      .trim()
      .max(max)
      .transform((s) => (s === "" ? undefined : s))
      .optional()
      .catch(undefined),
  );

const rawSchema = z.object({
  action: text(100),
  entity: text(100),
  actor: text(100),
  id: text(200),
  from: text(40),
  to: text(40),
  page: pageSchema,
});

export type AuditListParams = {
  action?: string;
  entity?: string;
  /** A user id, or "system" for entries without one (command line, background work). */
  actor?: string;
  /** The changed thing's id: a recommendation, a run, a resource key, a treatment key, a user id. */
  id?: string;
  /** First and last day included, `YYYY-MM-DD` in UK time (as on the allocation history). */
  from?: string;
  to?: string;
  page: number;
  /** Filters that were ignored, said on the screen. */
  problems: string[];
};

/** The Audit screen's filters from the URL; unreadable values are dropped and said, never an error page. */
export function parseAuditListParams(raw: RawSearchParams): AuditListParams {
  const p = rawSchema.parse(raw);
  const problems: string[] = [];
  const { from, to } = parseDayRange(p, problems);
  const actor = p.actor && (p.actor === "system" || z.uuid().safeParse(p.actor).success) ? p.actor : undefined;
  if (p.actor && !actor) problems.push("The chosen person is unknown; the filter was ignored.");
  return { action: p.action, entity: p.entity, actor, id: p.id, from, to, page: p.page, problems };
}

export function auditQuery(p: AuditListParams): Record<string, string> {
  const q: Record<string, string> = {};
  for (const key of ["action", "entity", "actor", "id", "from", "to"] as const) {
    const v = p[key];
    if (v) q[key] = v;
  }
  return q;
}
