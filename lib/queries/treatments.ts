import "server-only";
import type { TreatmentDefinition } from "../agents/domain";
import { eligibilityFields } from "../agents/rules/eligibility";
import type { CapacityPeriod, PrismaClient } from "../generated/prisma/client";

export type EligibilityRule = { label: string; value: string };

/** A catalog row for the screen: the agents' treatment with its rules in words, its resource and whether it may be chosen. */
export type TreatmentRow = Omit<TreatmentDefinition, "eligibility" | "resourceKey"> & {
  eligibility: EligibilityRule[];
  resource: { key: string; name: string; limit: number; period: CapacityPeriod } | null;
  isActive: boolean;
};

type RuleFormat = { label: string; format?: (value: unknown) => string };
type EligibilityField = (typeof eligibilityFields)[number];

const words = (value: unknown) => valueText(value).replace(/_/g, " ");
const months = (value: unknown) => `${valueText(value)} months`;

// Every rule the eligibility schema knows has a label here (a new one fails to compile without it);
// a stored key the schema does not know is still shown, spelled out from its name, so a broken row
// is visible on the screen rather than hidden.
const KNOWN_RULES: Record<EligibilityField, RuleFormat> = {
  valueTiers: { label: "Value tiers" },
  segments: { label: "Segments" },
  minTenureMonths: { label: "Minimum tenure", format: months },
  maxTenureMonths: { label: "Maximum tenure", format: months },
  minChurnRisk: {
    label: "Minimum churn risk",
    format: (v) => (typeof v === "number" ? `${Math.round(v * 100)}%` : valueText(v)),
  },
  requiresPatterns: { label: "Any of the patterns", format: words },
};

const knownRule = (key: string): RuleFormat | undefined =>
  (eligibilityFields as readonly string[]).includes(key) ? KNOWN_RULES[key as EligibilityField] : undefined;

function labelFor(key: string): string {
  const known = knownRule(key);
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
    .map(([key, value]) => ({ label: labelFor(key), value: (knownRule(key)?.format ?? valueText)(value) }));
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
