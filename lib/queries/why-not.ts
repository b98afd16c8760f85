import "server-only";
import { z } from "zod";
import { exclusionRules } from "../agents/domain";
import { isHighValueTier } from "../agents/rules/value-tier";
import { Prisma, type PrismaClient, type RecommendationStatus } from "../generated/prisma/client";

/** One catalog treatment's fate in a decision, named for the screen. */
export type WhyNotRow = {
  treatmentKey: string;
  name: string;
  channel: string | null;
  /**
   * GBP a unit of the treatment's resource is worth to this customer (the last run's price, the
   * reserve's for a high-value customer), beside an alternative or an excluded treatment; absent
   * when the treatment takes no capacity. A price the decision stored wins over today's.
   */
  price?: { amount: number; asOf: "decision" | "today" };
} & (
  | { fate: "chosen"; value: number }
  | { fate: "alternative"; rank: number; value: number }
  | { fate: "excluded"; rule: (typeof exclusionRules)[number]; reason: string; until: Date | null }
);

export type WhyNot = { recommendationId: string; status: RecommendationStatus; createdAt: Date; rows: WhyNotRow[] };

// Stored JSON is read as untrusted: an entry that does not parse is left out rather than shown wrong.
const fateSchema = z.discriminatedUnion("fate", [
  z.object({ treatmentKey: z.string(), fate: z.literal("chosen"), value: z.number() }),
  z.object({ treatmentKey: z.string(), fate: z.literal("alternative"), rank: z.number().int(), value: z.number() }),
  z.object({ treatmentKey: z.string(), fate: z.literal("excluded"), rule: z.enum(exclusionRules), reason: z.string(), until: z.iso.datetime().optional(), price: z.number().nonnegative().optional() }),
]);

const ORDER = { chosen: 0, alternative: 1, excluded: 2 } as const;

/**
 * The newest decision for this customer that kept its treatments' fates: the chosen treatment,
 * then the alternatives by rank, then the excluded ones in catalog order. Null when none did.
 */
export async function getCustomerWhyNot(db: PrismaClient, customerId: string): Promise<WhyNot | null> {
  const [rec, treatments, customer] = await Promise.all([
    db.recommendation.findFirst({
      where: { customerId, NOT: { fates: { equals: Prisma.AnyNull } } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true, status: true, createdAt: true, fates: true },
    }),
    db.treatment.findMany({ select: { key: true, name: true, channel: true, unitsPerContact: true, resource: { select: { price: true, highValuePrice: true } } } }),
    db.customer.findUnique({ where: { id: customerId }, select: { valueTier: true } }),
  ]);
  const isHighValue = customer ? isHighValueTier(customer.valueTier) : false;
  if (!rec || !Array.isArray(rec.fates)) return null;
  const byKey = new Map(treatments.map((t) => [t.key, t]));
  const rows: WhyNotRow[] = [];
  for (const raw of rec.fates) {
    const parsed = fateSchema.safeParse(raw);
    if (!parsed.success) continue;
    const f = parsed.data;
    const t = byKey.get(f.treatmentKey);
    const named = { treatmentKey: f.treatmentKey, name: t?.name ?? f.treatmentKey, channel: t?.channel ?? null };
    const today = t?.resource ? Number(isHighValue ? t.resource.highValuePrice : t.resource.price) * t.unitsPerContact : null;
    const stored = f.fate === "excluded" ? f.price : undefined;
    const price = f.fate === "chosen" ? null : stored !== undefined ? { amount: stored, asOf: "decision" as const } : today !== null ? { amount: today, asOf: "today" as const } : null;
    const priced = price ? { ...named, price } : named;
    if (f.fate === "excluded") rows.push({ ...priced, fate: "excluded", rule: f.rule, reason: f.reason, until: f.until ? new Date(f.until) : null });
    else rows.push({ ...priced, ...f });
  }
  const rank = (r: WhyNotRow) => (r.fate === "alternative" ? r.rank : 0);
  const sorted = rows.map((r, i) => ({ r, i })).sort((a, b) => ORDER[a.r.fate] - ORDER[b.r.fate] || rank(a.r) - rank(b.r) || a.i - b.i);
  return { recommendationId: rec.id, status: rec.status, createdAt: rec.createdAt, rows: sorted.map((x) => x.r) };
}
