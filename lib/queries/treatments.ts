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

type RuleFormat = { label: string; format?: (value: unknown) => string };

const words = (value: unknown) => valueText(value).replace(/_/g, " ");

// The catalog's rule names (see the seed catalog's eligibility schema); any other key is still shown,
// spelled out from its name, so a new rule never disappears from the screen.
const KNOWN_RULES: Record<string, RuleFormat> = {
  valueTiers: { label: "Value tiers" },
  segments: { label: "Segments" },
  minTenureMonths: { label: "Minimum tenure", format: (v) => `${valueText(v)} months` },
  minChurnRisk: {
    label: "Minimum churn risk",
    format: (v) => (typeof v === "number" ? `${Math.round(v * 100)}%` : valueText(v)),
  },
  requiresPatterns: { label: "Any of the patterns", format: words },
};

function labelFor(key: string): string {
  const known = KNOWN_RULES[key];
  if (known) return known.label;
  const spelled = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return spelled.charAt(0).toUpperCase() + spelled.slice(1);
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
    .map(([key, value]) => ({ label: labelFor(key), value: (KNOWN_RULES[key]?.format ?? valueText)(value) }));
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
