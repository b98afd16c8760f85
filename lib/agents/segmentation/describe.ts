// Names a segment from what sets it apart: its features furthest from everyone's, in words.
import type { SegmentDescription, SegmentFeature, SegmentProfile } from "./messages";

/** A trait shows once a segment's mean sits this many standard deviations from everyone's. */
export const TRAIT_THRESHOLD = 0.5;
/** A name keeps to the strongest few traits so it stays readable. */
const MAX_TRAITS = 3;

/** Words for a feature above and below everyone; null where the low side says nothing a marketer acts on. */
const words: Record<SegmentFeature, { high: string; low: string | null; group: string }> = {
  lifetimeValue: { high: "high value", low: "low value", group: "value" },
  monthlyRevenue: { high: "big spenders", low: "small spenders", group: "value" },
  churnRisk: { high: "at risk", low: "settled", group: "risk" },
  usageTrend: { high: "usage rising", low: "usage falling", group: "usage" },
  revenueTrend: { high: "bills rising", low: "bills falling", group: "bills" },
  tenureMonths: { high: "long-standing", low: "new", group: "tenure" },
  complaintsLast90Days: { high: "complaining", low: null, group: "complaints" },
  priceSensitive: { high: "price-minded", low: null, group: "price" },
};

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The segment's name and one-line description. Traits are the features at least
 * TRAIT_THRESHOLD standard deviations from everyone's mean, strongest first, one per group
 * (value and spend say much the same); a segment without any is "Typical customers".
 */
export function describeSegment(segment: SegmentProfile): SegmentDescription {
  const ranked = (Object.keys(words) as SegmentFeature[])
    .map((feature) => ({ feature, standardised: segment.standardised[feature] }))
    .filter((t) => Math.abs(t.standardised) >= TRAIT_THRESHOLD)
    .sort((a, b) => Math.abs(b.standardised) - Math.abs(a.standardised) || a.feature.localeCompare(b.feature));
  const groups = new Set<string>();
  const traits: SegmentDescription["traits"] = [];
  for (const t of ranked) {
    const w = words[t.feature];
    const label = t.standardised > 0 ? w.high : w.low;
    if (!label || groups.has(w.group)) continue;
    groups.add(w.group);
    traits.push({ ...t, label });
    if (traits.length === MAX_TRAITS) break;
  }
  const name = traits.length === 0 ? "Typical customers" : capitalise(traits.map((t) => t.label).join(", "));
  const people = segment.size === 1 ? "1 customer" : `${segment.size.toLocaleString("en-GB")} customers`;
  const description = `${name}: ${people}, churn risk ${Math.round(segment.churnRisk * 100)}%`;
  return { index: segment.index, name, description, traits };
}
