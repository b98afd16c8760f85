import type pg from "pg";
import { channels, type TreatmentDefinition } from "../agents/domain";
import { checkEligibility, describeEligibilityProblems } from "../agents/rules/eligibility";
import { AppError } from "../errors";
import { loadLearnedEffects, withLearnedEffects } from "./learned-effects";

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

/**
 * The active treatments, as the agents see them. A stored eligibility rule the schema refuses stops
 * the load with an error naming the treatment and the field: deciding with a rule half understood
 * would offer treatments to the wrong customers, and deactivating the treatment lets runs go on.
 */
export async function loadCatalog(
  pool: pg.Pool | pg.PoolClient,
  opts: {
    /** Inactive treatments to include, as a scenario would activate them. */
    alsoKeys?: string[];
    /** "ignore" gives the catalog's own effects, to compare a policy with and without what outcomes taught (default "use"). */
    learnedEffects?: "use" | "ignore";
  } = {},
): Promise<TreatmentDefinition[]> {
  const { rows } = await pool.query<Row>(
    `SELECT key, name, description, channel::text AS channel, "costPerContact"::text AS "costPerContact", goal, priority, "expectedEffect",
            eligibility, "resourceKey", "unitsPerContact", "isNoAction"
       FROM "Treatment" WHERE "isActive" OR key = ANY($1::text[]) ORDER BY priority, key`,
    [opts.alsoKeys ?? []],
  );
  const catalog = rows.map((r): TreatmentDefinition => {
    const eligibility = checkEligibility(r.eligibility);
    if (!eligibility.ok) {
      const fields = [...new Set(eligibility.problems.map((p) => p.field))].join(", ");
      throw new AppError({
        code: "conflict",
        userMessage: `The treatment catalog cannot be used: ${r.name} (${r.key}) has invalid eligibility rules in ${fields}. ${describeEligibilityProblems(eligibility.problems)} Correct the rules or deactivate the treatment.`,
        detail: { treatmentKey: r.key, problems: eligibility.problems },
      });
    }
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
      eligibility: eligibility.eligibility,
      resourceKey: r.resourceKey,
      unitsPerContact: r.unitsPerContact,
      isNoAction: r.isNoAction,
    };
  });
  return opts.learnedEffects === "ignore" ? catalog : withLearnedEffects(catalog, await loadLearnedEffects(pool));
}
