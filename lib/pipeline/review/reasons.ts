// The reason codes managers keep for rejecting and overriding. A code is derived from the label once
// and never changes, so reviews counted by it stay comparable when a label is reworded; a reason is
// retired rather than deleted, so the reviews that chose it still name it.
import type pg from "pg";
import { writeAudit } from "../../audit/write";
import type { Actor } from "../../auth/roles";
import { withTransaction } from "../../database/transaction";
import { AppError } from "../../errors";
import { OTHER_REASON, type ReasonKind } from "../../validations/review";

export type ReviewReason = { id: string; kind: ReasonKind; code: string; label: string; isActive: boolean; position: number };

const COLUMNS = `id, kind::text AS kind, code, label, "isActive", position`;

/** "Customer's stated preference" → "customers_stated_preference"; at most 40 characters, never "other". */
export function codeOf(label: string): string {
  const code = label
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40)
    .replace(/_+$/, "");
  if (code === "" || code === OTHER_REASON) return `reason_${code || "x"}`;
  return code;
}

/** Every reason of both kinds, kept order first; retired ones only when asked for. */
export async function listReviewReasons(pool: pg.Pool | pg.PoolClient, opts: { includeRetired?: boolean } = {}): Promise<ReviewReason[]> {
  const { rows } = await pool.query<ReviewReason>(
    `SELECT ${COLUMNS} FROM "ReviewReason" ${opts.includeRetired ? "" : `WHERE "isActive"`} ORDER BY kind, position, label`,
  );
  return rows;
}

/** Adds a reason at the end of its kind's list; refused when the kind already has one with the same code. */
export async function createReviewReason(pool: pg.Pool, opts: { actor: Actor; kind: ReasonKind; label: string }): Promise<ReviewReason> {
  const code = codeOf(opts.label);
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<ReviewReason>(
      `INSERT INTO "ReviewReason" (id, kind, code, label, position, "updatedAt")
       SELECT gen_random_uuid(), $1::"ReviewReasonKind", $2, $3, COALESCE(MAX(position), 0) + 1, now() FROM "ReviewReason" WHERE kind = $1::"ReviewReasonKind"
       ON CONFLICT (kind, code) DO NOTHING RETURNING ${COLUMNS}`,
      [opts.kind, code, opts.label],
    );
    const created = rows[0];
    if (!created) throw new AppError({ code: "conflict", userMessage: `A ${opts.kind} reason like "${opts.label}" already exists; reword it or switch the existing one back on.` });
    await writeAudit(client, { actor: opts.actor, action: "review_reason.create", entityType: "ReviewReason", entityId: created.id, before: null, after: created });
    return created;
  });
}

/** Rewords a reason or retires it (or brings it back); its code stays, so past reviews keep counting under it. */
export async function updateReviewReason(pool: pg.Pool, opts: { actor: Actor; id: string; label?: string; isActive?: boolean }): Promise<ReviewReason> {
  return withTransaction(pool, async (client) => {
    const { rows: found } = await client.query<ReviewReason>(`SELECT ${COLUMNS} FROM "ReviewReason" WHERE id = $1 FOR UPDATE`, [opts.id]);
    const before = found[0];
    if (!before) throw new AppError({ code: "not_found", userMessage: "This reason no longer exists." });
    const { rows } = await client.query<ReviewReason>(
      `UPDATE "ReviewReason" SET label = $2, "isActive" = $3, "updatedAt" = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [opts.id, opts.label ?? before.label, opts.isActive ?? before.isActive],
    );
    const after = rows[0]!;
    await writeAudit(client, { actor: opts.actor, action: "review_reason.update", entityType: "ReviewReason", entityId: after.id, before, after });
    return after;
  });
}

/**
 * The words stored with a review: the reviewer's own, or the reason's label when they chose a kept
 * reason and wrote nothing. Refused when the code is not an active reason of this kind.
 */
export async function resolveReviewReason(pool: pg.Pool, opts: { kind: ReasonKind; reasonCode: string; reason?: string | undefined }): Promise<{ reasonCode: string; reason: string }> {
  if (opts.reasonCode === OTHER_REASON) {
    if (!opts.reason) throw new AppError({ code: "invalid_input", userMessage: "Give a reason." });
    return { reasonCode: OTHER_REASON, reason: opts.reason };
  }
  const { rows } = await pool.query<{ label: string }>(`SELECT label FROM "ReviewReason" WHERE kind = $1::"ReviewReasonKind" AND code = $2 AND "isActive"`, [opts.kind, opts.reasonCode]);
  const label = rows[0]?.label;
  if (!label) throw new AppError({ code: "invalid_input", userMessage: "That reason is no longer offered; choose another or Other." });
  return { reasonCode: opts.reasonCode, reason: opts.reason ?? label };
}
