import type pg from "pg";
import { z } from "zod";
import { channels, patternKeys, valueTiers, type TreatmentDefinition } from "../agents/domain";

const eligibilitySchema = z
  .object({
    valueTiers: z.array(z.enum(valueTiers)).optional(),
    segments: z.array(z.string()).optional(),
    minTenureMonths: z.number().optional(),
    maxTenureMonths: z.number().optional(),
    minChurnRisk: z.number().min(0).max(1).optional(),
    requiresPatterns: z.array(z.enum(patternKeys)).optional(),
  })
  .strip();

type Row = {
  key: string;
  name: string;
  description: string;
  channel: string | null;
  costPerContact: string;
  goal: string;
  priority: number;
  expectedEffect: number;
  eligibility: unknown;
  resourceKey: string | null;
  unitsPerContact: number;
  isNoAction: boolean;
};

/** The active treatments, as the agents see them. A malformed eligibility rule stops the load with its key. */
export async function loadCatalog(pool: pg.Pool | pg.PoolClient): Promise<TreatmentDefinition[]> {
  const { rows } = await pool.query<Row>(
    `SELECT key, name, description, channel::text AS channel, "costPerContact"::text AS "costPerContact", goal, priority, "expectedEffect",
            eligibility, "resourceKey", "unitsPerContact", "isNoAction"
       FROM "Treatment" WHERE "isActive" ORDER BY priority, key`,
  );
  return rows.map((r) => {
    const eligibility = eligibilitySchema.safeParse(r.eligibility ?? {});
    if (!eligibility.success) throw new Error(`Treatment ${r.key} has invalid eligibility rules: ${eligibility.error.message}`);
    const channel = r.channel && (channels as readonly string[]).includes(r.channel) ? (r.channel as TreatmentDefinition["channel"]) : null;
    return {
      key: r.key,
      name: r.name,
      description: r.description,
      channel,
      costPerContact: Number(r.costPerContact),
      goal: r.goal,
      priority: r.priority,
      expectedEffect: r.expectedEffect,
      eligibility: eligibility.data,
      resourceKey: r.resourceKey,
      unitsPerContact: r.unitsPerContact,
      isNoAction: r.isNoAction,
    };
  });
}
