// Experiments in the database: managers start and stop them; runs read the one active at their
// start and record each decision's experiment and arm on the Recommendation.
import type pg from "pg";
import { z } from "zod";
import type { TreatmentDefinition } from "../agents/domain";
import { type ArmDecideOptions, type Experiment, activeExperiment, armDecideOptions, armFor, experimentArmSchema, experimentSchema } from "../agents/evaluation/experiments";
import type { Actor } from "../auth/roles";
import { writeAudit } from "../audit/write";
import { AppError } from "../errors";

type Row = { key: string; name: string; arms: unknown; startsAt: Date; endsAt: Date | null; stoppedAt: Date | null };

const storedArms = z.array(experimentArmSchema);

function toExperiment(r: Row): Experiment {
  const arms = storedArms.safeParse(r.arms);
  if (!arms.success) {
    // Deciding half an experiment would mislabel every decision in it; stopping it lets runs go on.
    throw new AppError({ code: "conflict", userMessage: `Experiment ${r.key} has arms that cannot be read. Stop the experiment to let runs go on.`, detail: { key: r.key, issues: arms.error.issues } });
  }
  return { key: r.key, name: r.name, arms: arms.data, startsAt: r.startsAt.toISOString(), endsAt: r.endsAt?.toISOString() ?? null, stoppedAt: r.stoppedAt?.toISOString() ?? null };
}

const SELECT = `SELECT key, name, arms, "startsAt", "endsAt", "stoppedAt" FROM "Experiment"`;

/** Every experiment, newest start first. */
export async function listExperiments(pool: pg.Pool | pg.PoolClient): Promise<Experiment[]> {
  const { rows } = await pool.query<Row>(`${SELECT} ORDER BY "startsAt" DESC, key`);
  return rows.map(toExperiment);
}

/** The experiment decisions at `at` run under (the earliest started of the active ones), or null. */
export async function loadActiveExperiment(pool: pg.Pool | pg.PoolClient, at: Date): Promise<Experiment | null> {
  const { rows } = await pool.query<Row>(
    `${SELECT} WHERE "startsAt" <= $1 AND ("endsAt" IS NULL OR "endsAt" > $1) AND ("stoppedAt" IS NULL OR "stoppedAt" > $1)`,
    [at],
  );
  return activeExperiment(rows.map(toExperiment), at);
}

/**
 * What one customer's decision uses under `experiment` (null: the run's own settings and catalog):
 * the arm fixed by customer and experiment, its policy and allocation, the catalog with its edits.
 */
export function decideOptionsFor(customerId: string, experiment: Experiment | null, catalog: readonly TreatmentDefinition[]): ArmDecideOptions | null {
  if (!experiment) return null;
  return armDecideOptions({ experiment, arm: armFor(customerId, experiment), catalog });
}

export type ExperimentInput = z.input<typeof experimentSchema>;

const keyTaken = (key: string) => `An experiment with the key ${key} exists already; keys stay with their decisions, so choose another.`;

export type CreateExperimentResult = { ok: true; experiment: Experiment } | { ok: false; fieldErrors: Record<string, string> };

/** Starts an experiment after checking its shape and that each edited treatment exists; audited in the same transaction. */
export async function createExperiment(pool: pg.Pool, opts: { input: unknown; actor: Pick<Actor, "id" | "label"> }): Promise<CreateExperimentResult> {
  const parsed = experimentSchema.safeParse(opts.input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[issue.path.join(".") || "experiment"] ??= issue.message;
    return { ok: false, fieldErrors };
  }
  const e = parsed.data;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // Two managers starting experiments at once must not both pass the overlap check below.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('experiment.create'))`);
    const edited = [...new Set(e.arms.flatMap((a) => (a.catalogEdits ?? []).map((c) => c.treatmentKey)))];
    const { rows: known } = await client.query<{ key: string }>(`SELECT key FROM "Treatment" WHERE key = ANY($1::text[]) AND NOT "isNoAction"`, [edited]);
    const unknown = edited.filter((k) => !known.some((r) => r.key === k));
    if (unknown.length > 0) {
      await client.query("ROLLBACK");
      return { ok: false, fieldErrors: { arms: `No treatment to edit has the key ${unknown.join(", ")}.` } };
    }
    const { rowCount: isTaken } = await client.query(`SELECT 1 FROM "Experiment" WHERE key = $1`, [e.key]);
    if (isTaken) {
      await client.query("ROLLBACK");
      return { ok: false, fieldErrors: { key: keyTaken(e.key) } };
    }
    const overlapping = await overlappingExperiment(client, { startsAt: e.startsAt, endsAt: e.endsAt });
    if (overlapping) {
      await client.query("ROLLBACK");
      return {
        ok: false,
        fieldErrors: {
          startsAt: `${overlapping.name} (${overlapping.key}) splits the same customers ${overlapping.endsAt ? `until ${overlapping.endsAt.toISOString().slice(0, 10)}` : "until it is stopped"}; a run follows one experiment at a time, so stop it first or start this one after it ends.`,
        },
      };
    }
    const inserted = await client.query(
      `INSERT INTO "Experiment" (key, name, arms, "startsAt", "endsAt", "stoppedAt", "createdByLabel", "updatedAt")
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, now()) ON CONFLICT (key) DO NOTHING`,
      [e.key, e.name, JSON.stringify(e.arms), e.startsAt, e.endsAt, e.stoppedAt, opts.actor.label],
    );
    if (inserted.rowCount === 0) {
      await client.query("ROLLBACK");
      return { ok: false, fieldErrors: { key: keyTaken(e.key) } };
    }
    const experiment: Experiment = { ...e, startsAt: new Date(e.startsAt).toISOString(), endsAt: e.endsAt && new Date(e.endsAt).toISOString(), stoppedAt: e.stoppedAt && new Date(e.stoppedAt).toISOString() };
    await writeAudit(client, { actor: opts.actor, action: "experiment.create", entityType: "Experiment", entityId: e.key, before: null, after: experiment });
    await client.query("COMMIT");
    return { ok: true, experiment };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * A running or scheduled experiment whose time overlaps [startsAt, endsAt): every experiment splits
 * all of a run's customers and a run follows only the earliest started, so a second one would wait
 * unseen rather than run.
 */
async function overlappingExperiment(client: pg.PoolClient, window: { startsAt: string; endsAt: string | null }): Promise<{ key: string; name: string; endsAt: Date | null } | null> {
  const { rows } = await client.query<{ key: string; name: string; endsAt: Date | null }>(
    `SELECT key, name, LEAST("endsAt", "stoppedAt") AS "endsAt" FROM "Experiment"
      WHERE (LEAST("endsAt", "stoppedAt") IS NULL OR LEAST("endsAt", "stoppedAt") > $1)
        AND ($2::timestamp IS NULL OR "startsAt" < $2::timestamp)
      ORDER BY "startsAt" LIMIT 1`,
    [window.startsAt, window.endsAt],
  );
  return rows[0] ?? null;
}

/** Stops an experiment at `at` (default now); false when there is none by that key or it has stopped already. */
export async function stopExperiment(pool: pg.Pool, opts: { key: string; actor: Pick<Actor, "id" | "label">; at?: Date }): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const at = opts.at ?? new Date();
    const { rowCount } = await client.query(`UPDATE "Experiment" SET "stoppedAt" = $2, "updatedAt" = now() WHERE key = $1 AND "stoppedAt" IS NULL`, [opts.key, at]);
    if (rowCount === 0) {
      await client.query("ROLLBACK");
      return false;
    }
    await writeAudit(client, { actor: opts.actor, action: "experiment.stop", entityType: "Experiment", entityId: opts.key, before: { stoppedAt: null }, after: { stoppedAt: at.toISOString() } });
    await client.query("COMMIT");
    return true;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * The experiment a run decides under: the one active when the run was created, so every chunk of
 * the run and its allocation agree even if the experiment is stopped while the run goes on.
 */
export async function experimentOfRun(pool: pg.Pool | pg.PoolClient, runId: string): Promise<Experiment | null> {
  const { rows } = await pool.query<{ createdAt: Date }>(`SELECT "createdAt" FROM "Run" WHERE id = $1`, [runId]);
  return rows[0] ? loadActiveExperiment(pool, rows[0].createdAt) : null;
}

/**
 * One decide function per arm, built once by `build` from the arm's options, and a dispatcher that
 * sends each customer to their arm's; without an experiment, `build(null)` decides everyone.
 */
export function decideByArm<D extends (customerId: string) => unknown>(opts: {
  experiment: Experiment | null;
  catalog: readonly TreatmentDefinition[];
  build: (arm: ArmDecideOptions | null) => D;
}): (customerId: string) => ReturnType<D> {
  const { experiment } = opts;
  if (!experiment) return opts.build(null) as (customerId: string) => ReturnType<D>;
  const byArm = new Map(experiment.arms.map((arm) => [arm.key, opts.build(armDecideOptions({ experiment, arm, catalog: opts.catalog }))]));
  return (customerId) => byArm.get(armFor(customerId, experiment).key)!(customerId) as ReturnType<D>;
}

/**
 * Records on run `runId`'s decisions not yet stamped the experiment and each customer's arm (the
 * same pure assignment the decide step used); returns how many were stamped.
 */
export async function stampExperimentArms(client: pg.Pool | pg.PoolClient, opts: { runId: string; experiment: Experiment | null }): Promise<number> {
  const { experiment } = opts;
  if (!experiment) return 0;
  const { rows } = await client.query<{ customerId: string }>(`SELECT "customerId" FROM "Recommendation" WHERE "runId" = $1 AND "experimentKey" IS NULL`, [opts.runId]);
  if (rows.length === 0) return 0;
  const { rowCount } = await client.query(
    `UPDATE "Recommendation" r SET "experimentKey" = $2, "experimentArm" = x.arm
       FROM unnest($3::text[], $4::text[]) AS x("customerId", arm)
      WHERE r."runId" = $1 AND r."customerId" = x."customerId" AND r."experimentKey" IS NULL`,
    [opts.runId, experiment.key, rows.map((r) => r.customerId), rows.map((r) => armFor(r.customerId, experiment).key)],
  );
  return rowCount ?? 0;
}
