// Managers edit the treatment catalog: names, texts, cost, priority, expected effect and whether a
// treatment may be chosen. The row is locked, changed and audited (changed fields only, before and
// after) in one transaction; runs load the catalog when they start, so a run in progress keeps the
// catalog it began with. Eligibility rules are not edited here, but a treatment whose stored rules
// the eligibility schema refuses cannot be left active: every run would stop on it.
import type pg from "pg";
import { z } from "zod";
import { checkEligibility, describeEligibilityProblems } from "../agents/rules/eligibility";
import { changedFields, writeAudit } from "../audit/write";
import type { Actor } from "../auth/roles";
import { withTransaction } from "../database/transaction";
import { AppError } from "../errors";
import { plainText } from "../validations/text";

const money = z
  .number("The cost must be a number.")
  .finite("The cost must be a number.")
  .min(0, "The cost cannot be negative.")
  .max(10_000, "The cost is at most 10,000.")
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, "The cost has at most two decimals.");

export const updateTreatmentInputSchema = z
  .object({
    key: z.string("Choose a treatment.").trim().min(1, "Choose a treatment.").max(64, "Not a treatment key."),
    name: plainText("The name", { max: 80 }),
    description: plainText("The description", { max: 500 }),
    costPerContact: money,
    priority: z.number("The priority must be a whole number.").int("The priority must be a whole number.").min(1, "The priority is 1 or more.").max(100, "The priority is at most 100."),
    expectedEffect: z.number("The expected effect must be a number.").min(0, "The expected effect is from 0 to 1.").max(1, "The expected effect is from 0 to 1."),
    isActive: z.boolean("Say whether the treatment is active."),
    reason: z.union([z.literal(""), plainText("The reason", { max: 500 })]).optional(),
  })
  .strict();

export type UpdateTreatmentInput = z.input<typeof updateTreatmentInputSchema>;

type Editable = { name: string; description: string; costPerContact: number; priority: number; expectedEffect: number; isActive: boolean };

export type TreatmentUpdateResult =
  | { isChanged: false; key: string; message: string }
  | { isChanged: true; key: string; message: string; before: Partial<Editable>; after: Partial<Editable> };

/**
 * Applies a catalog edit once; the same values again change and log nothing. No action can never be
 * deactivated, and a treatment with invalid stored eligibility rules can only be deactivated.
 */
export async function updateTreatment(pool: pg.Pool, opts: { actor: Actor; input: UpdateTreatmentInput }): Promise<TreatmentUpdateResult> {
  const { key, reason, ...next } = updateTreatmentInputSchema.parse(opts.input);
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<Editable & { costPerContact: string; isNoAction: boolean; eligibility: unknown }>(
      `SELECT name, description, "costPerContact"::text AS "costPerContact", priority, "expectedEffect", "isActive", "isNoAction", eligibility
         FROM "Treatment" WHERE key = $1 FOR UPDATE`,
      [key],
    );
    const row = rows[0];
    if (!row) throw new AppError({ code: "not_found", userMessage: `There is no treatment "${key}".` });
    if (row.isNoAction && !next.isActive) {
      throw new AppError({ code: "conflict", userMessage: "No action is always a possible outcome; it cannot be deactivated." });
    }
    const eligibility = checkEligibility(row.eligibility);
    if (next.isActive && !eligibility.ok) {
      throw new AppError({
        code: "conflict",
        userMessage: `${row.name} cannot be active: its eligibility rules are invalid. ${describeEligibilityProblems(eligibility.problems)} Deactivate it until the rules are corrected.`,
        detail: { treatmentKey: key, problems: eligibility.problems },
      });
    }
    const current: Editable = {
      name: row.name,
      description: row.description,
      costPerContact: Number(row.costPerContact),
      priority: row.priority,
      expectedEffect: row.expectedEffect,
      isActive: row.isActive,
    };
    const diff = changedFields(current, next);
    if (!diff) return { isChanged: false, key, message: `No change: ${row.name} already has these values.` };
    await client.query(
      `UPDATE "Treatment" SET name = $2, description = $3, "costPerContact" = $4, priority = $5, "expectedEffect" = $6, "isActive" = $7, "updatedAt" = now() WHERE key = $1`,
      [key, next.name, next.description, next.costPerContact, next.priority, next.expectedEffect, next.isActive],
    );
    await writeAudit(client, { actor: opts.actor, action: "treatment.update", entityType: "Treatment", entityId: key, ...diff, reason: reason || null });
    const fields = Object.keys(diff.after).join(", ");
    return { isChanged: true, key, message: `${next.name}: changed ${fields}.`, ...diff };
  });
}
