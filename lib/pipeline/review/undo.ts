// Undoing a review puts the decision back in the queue as if nobody had looked at it yet: pending,
// its capacity held again on its own treatment, in one transaction with the history rows, the
// counters and an audit entry per decision. It is refused once the contact was made (there is
// nothing left to take back), after the window, to anyone but the reviewer or a manager, and when
// a newer decision for the customer already waits (a customer has one pending decision at most).
import type pg from "pg";
import { decideHold } from "../../agents/allocation/capacity";
import type { LockedResource } from "../../agents/allocation/capacity";
import { invalidateCustomerData } from "../../agents/data/data-agent";
import type { ValueTier } from "../../agents/domain";
import { isHighValueTier } from "../../agents/rules/value-tier";
import { withTransaction } from "../../database/transaction";

export type UndoActor = { id: string | null; label: string; isManager: boolean };

export type UndoOutcome = {
  /** Decisions back in the queue. */
  undone: string[];
  /** Decisions left as they were, with the reason. */
  refused: { recommendationId: string; reason: string }[];
};

type ReviewedRow = {
  id: string;
  status: string;
  treatmentKey: string | null;
  overriddenFrom: string | null;
  customerId: string;
  runId: string;
  reviewedById: string | null;
  reviewedAt: Date | null;
  reviewReason: string | null;
  reviewReasonCode: string | null;
  valueTier: ValueTier;
  hasContact: boolean;
  hasNewerPending: boolean;
};

type LatestRow = {
  recommendationId: string;
  resourceKey: string;
  treatmentKey: string;
  outcome: string;
  units: number;
  priority: number;
  isHighValue: boolean;
  usedReserve: boolean;
  periodStart: Date;
};

type HistoryRow = {
  resourceKey: string;
  treatmentKey: string;
  customerId: string;
  recommendationId: string;
  runId: string;
  outcome: "held" | "released";
  units: number;
  reason: string;
  priority: number;
  isHighValue: boolean;
  usedReserve: boolean;
  periodStart: string;
};

const REVIEWED = new Set(["approved", "rejected", "overridden"]);
const PAST = { approved: "approval", rejected: "rejection", overridden: "override" } as Record<string, string>;

function timeOfDay(date: Date): string {
  return date.toISOString().slice(11, 16);
}

/**
 * Returns reviewed decisions to pending within `windowMinutes` of their review (`now` is injectable
 * for tests). Capacity an approval or override confirmed is held again (confirmed → held); a
 * rejection's released hold is taken again when there is room. Each refusal leaves that decision
 * untouched and the others go on; everything undone lands in one transaction.
 */
export async function undoReviews(opts: { pool: pg.Pool; recommendationIds: string[]; actor: UndoActor; windowMinutes: number; now?: Date }): Promise<UndoOutcome> {
  const ids = [...new Set(opts.recommendationIds)];
  const now = opts.now ?? new Date();
  const windowMs = opts.windowMinutes * 60_000;
  const changedCustomers: string[] = [];
  const outcome = await withTransaction(opts.pool, async (client) => {
    // Resource rows first, in key order, as every capacity transaction locks them: no deadlock.
    const { rows: resourceRows } = await client.query<LockedResource & { periodStart: Date }>(
      `SELECT key, name, "limit", used, held, "reservedHighValue", period::text AS period, "periodStart" FROM "ResourceConstraint" ORDER BY key FOR UPDATE`,
    );
    const resources = new Map(resourceRows.map((r) => [r.key, { ...r, periodStart: r.periodStart.toISOString() }]));
    const original = new Map(resourceRows.map((r) => [r.key, { used: r.used, held: r.held }]));
    const { rows } = await client.query<ReviewedRow>(
      `SELECT r.id, r.status::text AS status, r."treatmentKey", r."overriddenFrom", r."customerId", r."runId", r."reviewedById", r."reviewedAt",
              r."reviewReason", r."reviewReasonCode", c."valueTier"::text AS "valueTier",
              EXISTS (SELECT 1 FROM "Outcome" o WHERE o."recommendationId" = r.id AND o."contactMade") AS "hasContact",
              EXISTS (SELECT 1 FROM "Recommendation" p WHERE p."customerId" = r."customerId" AND p.status = 'pending_review') AS "hasNewerPending"
         FROM "Recommendation" r JOIN "Customer" c ON c.id = r."customerId"
        WHERE r.id = ANY($1::uuid[]) ORDER BY r.id FOR UPDATE OF r`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const { rows: latestRows } = await client.query<LatestRow>(
      `SELECT DISTINCT ON ("recommendationId") "recommendationId", "resourceKey", "treatmentKey", outcome::text AS outcome, units, priority,
              "isHighValue", "usedReserve", "periodStart"
         FROM "Allocation" WHERE "recommendationId" = ANY($1::uuid[]) AND outcome <> 'denied' ORDER BY "recommendationId", id DESC`,
      [ids],
    );
    const latestById = new Map(latestRows.map((r) => [r.recommendationId, r]));
    const targets = [...new Set(rows.map((r) => r.overriddenFrom ?? r.treatmentKey).filter((k): k is string => k !== null))];
    const { rows: treatmentRows } = await client.query<{ key: string; name: string; resourceKey: string | null; unitsPerContact: number }>(
      `SELECT key, name, "resourceKey", "unitsPerContact" FROM "Treatment" WHERE key = ANY($1::text[])`,
      [targets],
    );
    const treatments = new Map(treatmentRows.map((t) => [t.key, t]));

    const undone: ReviewedRow[] = [];
    const refused: UndoOutcome["refused"] = [];
    const history: HistoryRow[] = [];
    for (const id of ids) {
      const rec = byId.get(id);
      const refusal = refusalOf(rec, { actor: opts.actor, now, windowMs, windowMinutes: opts.windowMinutes });
      if (refusal) {
        refused.push({ recommendationId: id, reason: refusal });
        continue;
      }
      const r = rec!;
      const targetKey = r.overriddenFrom ?? r.treatmentKey;
      const target = targetKey ? treatments.get(targetKey) : undefined;
      const latest = latestById.get(id);
      const base = { customerId: r.customerId, recommendationId: id, runId: r.runId };
      const steps: { resource: LockedResource; row: HistoryRow; used: number; held: number }[] = [];
      let live = latest && latest.outcome === "confirmed" ? latest : undefined;
      // Units confirmed in a period that has since ended were counted there; this period owes them nothing.
      if (live && resources.get(live.resourceKey)?.periodStart !== live.periodStart.toISOString()) live = undefined;
      const reason = `${capitalise(PAST[r.status] ?? "review")} undone by ${opts.actor.label}`;
      if (live && live.treatmentKey === targetKey) {
        const resource = resources.get(live.resourceKey)!;
        steps.push({ resource, used: 0, held: live.units, row: { ...base, resourceKey: live.resourceKey, treatmentKey: live.treatmentKey, outcome: "held", units: live.units, reason, priority: live.priority, isHighValue: live.isHighValue, usedReserve: live.usedReserve, periodStart: resource.periodStart } });
      } else {
        if (live) {
          const resource = resources.get(live.resourceKey)!;
          steps.push({ resource, used: -live.units, held: 0, row: { ...base, resourceKey: live.resourceKey, treatmentKey: live.treatmentKey, outcome: "released", units: live.units, reason, priority: live.priority, isHighValue: live.isHighValue, usedReserve: live.usedReserve, periodStart: resource.periodStart } });
        }
        if (target?.resourceKey) {
          const resource = resources.get(target.resourceKey)!;
          const isHighValue = latest?.isHighValue ?? isHighValueTier(r.valueTier);
          const freed = steps.reduce((n, s) => n + (s.resource.key === resource.key ? -s.used : 0), 0);
          const decision = decideHold({ ...resource, used: resource.used - freed }, target.unitsPerContact, isHighValue);
          if (!decision.isGranted) {
            refused.push({ recommendationId: id, reason: `No room to hold ${target.name} again: ${decision.reason}` });
            continue;
          }
          steps.push({ resource, used: target.unitsPerContact, held: target.unitsPerContact, row: { ...base, resourceKey: resource.key, treatmentKey: target.key, outcome: "held", units: target.unitsPerContact, reason, priority: latest?.priority ?? 0, isHighValue, usedReserve: decision.usedReserve, periodStart: resource.periodStart } });
        }
      }
      for (const step of steps) {
        step.resource.used += step.used;
        step.resource.held += step.held;
        history.push(step.row);
      }
      undone.push(r);
    }
    if (undone.length === 0) return { undone: [], refused };

    await client.query(
      `UPDATE "Recommendation" r SET status = 'pending_review', "treatmentKey" = COALESCE(r."overriddenFrom", r."treatmentKey"), "overriddenFrom" = NULL,
          "reviewedById" = NULL, "reviewedAt" = NULL, "reviewReason" = NULL, "reviewReasonCode" = NULL, "updatedAt" = now()
        WHERE r.id = ANY($1::uuid[])`,
      [undone.map((r) => r.id)],
    );
    if (history.length > 0) {
      await client.query(
        `INSERT INTO "Allocation" ("resourceKey", "treatmentKey", "customerId", "recommendationId", "runId", outcome, units, reason, priority,
            "isHighValue", "usedReserve", "periodStart", "createdAt")
         SELECT x."resourceKey", x."treatmentKey", x."customerId", x."recommendationId", x."runId", x.outcome::"AllocationOutcome", x.units, x.reason,
            x.priority, x."isHighValue", x."usedReserve", x."periodStart", clock_timestamp()
         FROM json_to_recordset($1::json) AS x("resourceKey" text, "treatmentKey" text, "customerId" text, "recommendationId" uuid,
            "runId" uuid, outcome text, units int, reason text, priority float8, "isHighValue" boolean, "usedReserve" boolean, "periodStart" timestamptz)`,
        [JSON.stringify(history)],
      );
    }
    const changed = [...resources.values()].filter((r) => original.get(r.key)!.used !== r.used || original.get(r.key)!.held !== r.held);
    if (changed.length > 0) {
      await client.query(
        `UPDATE "ResourceConstraint" c SET used = x.used, held = x.held, version = c.version + 1, "updatedAt" = now()
           FROM json_to_recordset($1::json) AS x(key text, used int, held int) WHERE c.key = x.key`,
        [JSON.stringify(changed.map((r) => ({ key: r.key, used: r.used, held: r.held })))],
      );
    }
    await client.query(
      `INSERT INTO "AuditLog" ("actorId", "actorLabel", action, "entityType", "entityId", before, after, reason, "createdAt")
       SELECT x."actorId", x."actorLabel", 'recommendation.undo', 'Recommendation', x."entityId", x.before, x.after, x.reason, clock_timestamp()
         FROM json_to_recordset($1::json) AS x("actorId" uuid, "actorLabel" text, "entityId" text, before jsonb, after jsonb, reason text)`,
      [
        JSON.stringify(
          undone.map((r) => ({
            actorId: opts.actor.id,
            actorLabel: opts.actor.label,
            entityId: r.id,
            before: { status: r.status, treatmentKey: r.treatmentKey, reviewedById: r.reviewedById, reviewedAt: r.reviewedAt, reviewReason: r.reviewReason, reviewReasonCode: r.reviewReasonCode },
            after: { status: "pending_review", treatmentKey: r.overriddenFrom ?? r.treatmentKey },
            reason: `Undid the ${PAST[r.status] ?? "review"}`,
          })),
        ),
      ],
    );
    changedCustomers.push(...undone.map((r) => r.customerId));
    return { undone: undone.map((r) => r.id), refused };
  });
  // The decision left the customer's contact history: cached copies are stale now.
  for (const customerId of new Set(changedCustomers)) await invalidateCustomerData(customerId);
  const undone = new Set(outcome.undone);
  return { undone: ids.filter((id) => undone.has(id)), refused: outcome.refused };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function refusalOf(rec: ReviewedRow | undefined, ctx: { actor: UndoActor; now: Date; windowMs: number; windowMinutes: number }): string | null {
  if (!rec) return "No such recommendation";
  if (!REVIEWED.has(rec.status) || !rec.reviewedAt) return rec.status === "pending_review" ? "Not reviewed yet" : `Cannot be undone: it is ${rec.status.replace("_", " ")}`;
  if (rec.reviewedById !== ctx.actor.id && !ctx.actor.isManager) return "Only the person who reviewed it or a manager can undo it";
  const closesAt = new Date(rec.reviewedAt.getTime() + ctx.windowMs);
  if (ctx.now.getTime() > closesAt.getTime()) return `Too late to undo: the ${ctx.windowMinutes}-minute window closed at ${timeOfDay(closesAt)} UTC`;
  if (rec.hasContact) return "The customer has already been contacted";
  if (rec.hasNewerPending) return "A newer recommendation for this customer is waiting for review";
  return null;
}
