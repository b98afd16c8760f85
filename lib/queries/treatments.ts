import "server-only";
import type { CapacityPeriod, Channel, PrismaClient } from "../generated/prisma/client";

export type EligibilityRule = { label: string; value: string };

export type TreatmentRow = {
  key: string;
  name: string;
  description: string;
  channel: Channel | null;
  costPerContact: number;
  goal: string;
  priority: number;
  expectedEffect: number;
  eligibility: EligibilityRule[];
  resource: { key: string; name: string; limit: number; period: CapacityPeriod } | null;
  unitsPerContact: number;
  isNoAction: boolean;
  isActive: boolean;
};

// Labels for the rule names the catalog uses; any other key is still shown, spelled out from its name.
const RULE_LABELS: Record<string, string> = {
  valueTiers: "Value tiers",
  segments: "Segments",
  minTenureMonths: "Minimum tenure (months)",
  maxTenureMonths: "Maximum tenure (months)",
  minChurnRisk: "Minimum churn risk",
  patterns: "Patterns required",
  patternsRequired: "Patterns required",
  requiredPatterns: "Patterns required",
};

function labelFor(key: string): string {
  const known = RULE_LABELS[key];
  if (known) return known;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function valueText(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.map(valueText).join(", ");
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string" || typeof value === "number") return String(value);
  if (value !== null && typeof value === "object") {
    return Object.entries(value)
      .map(([k, v]) => `${labelFor(k).toLowerCase()} ${valueText(v)}`)
      .join("; ");
  }
  return "—";
}

/** Eligibility JSON as label/value lines; an empty list means everyone is eligible. */
export function describeEligibility(eligibility: unknown): EligibilityRule[] {
  if (eligibility === null || typeof eligibility !== "object" || Array.isArray(eligibility)) return [];
  return Object.entries(eligibility)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => ({ label: labelFor(key), value: valueText(value) }));
}

/** The catalog, most important first. */
export async function listTreatments(db: PrismaClient): Promise<TreatmentRow[]> {
  const rows = await db.treatment.findMany({
    orderBy: [{ priority: "asc" }, { key: "asc" }],
    select: {
      key: true,
      name: true,
      description: true,
      channel: true,
      costPerContact: true,
      goal: true,
      priority: true,
      expectedEffect: true,
      eligibility: true,
      resource: { select: { key: true, name: true, limit: true, period: true } },
      unitsPerContact: true,
      isNoAction: true,
      isActive: true,
    },
  });
  return rows.map(({ costPerContact, eligibility, ...t }) => ({
    ...t,
    costPerContact: costPerContact.toNumber(),
    eligibility: describeEligibility(eligibility),
  }));
}
