// What became of every catalog treatment in one decision, the answer to "why not this one?": the
// chosen one, the ranked alternatives with their values, and each excluded one with its rule.
import type { Exclusion, TreatmentDecision, TreatmentFate } from "../domain";
import type { CatalogEntry, ExcludedTreatment } from "./compliance";

/** When every reason lifts on a known date, the latest of them: from then on it may be chosen again. */
function allowedFrom(reasons: readonly Exclusion[]): string | undefined {
  let latest: string | undefined;
  for (const r of reasons) {
    if (r.until === undefined) return undefined;
    if (latest === undefined || r.until > latest) latest = r.until;
  }
  return latest;
}

/**
 * One fate per entry of `catalog`, in its order. Alternatives keep the decision's ranking; other
 * allowed options follow it in `ranked` order. Keys set aside by the caller are excluded with
 * `excludeReasons[key]`, or a plain "set aside" when none is given.
 */
export function fatesOf(opts: {
  catalog: readonly CatalogEntry[];
  decision: Pick<TreatmentDecision, "treatmentKey" | "expectedValue" | "alternatives">;
  /** Allowed options, best first, with their value net of cost (the rules policy's scored options fit). */
  ranked: readonly { treatment: { key: string }; breakdown: { value: number } }[];
  excluded: readonly ExcludedTreatment[];
  exclude: readonly string[];
  excludeReasons?: Readonly<Record<string, string>>;
  /** GBP the units of each key set aside were worth at its run's prices, shown beside it in why-not. */
  excludePrices?: Readonly<Record<string, number>>;
}): TreatmentFate[] {
  const { catalog, decision } = opts;
  const alternativeRank = new Map<string, { rank: number; value: number }>();
  decision.alternatives.forEach((a, i) => alternativeRank.set(a.treatmentKey, { rank: i + 1, value: a.expectedValue }));
  for (const option of opts.ranked) {
    const key = option.treatment.key;
    if (key === decision.treatmentKey || alternativeRank.has(key)) continue;
    alternativeRank.set(key, { rank: alternativeRank.size + 1, value: option.breakdown.value });
  }
  const excludedByKey = new Map(opts.excluded.map((e) => [e.treatmentKey, e]));
  const setAside = new Set(opts.exclude);
  const fates: TreatmentFate[] = [];
  for (const treatment of catalog) {
    const key = treatment.key;
    if (key === decision.treatmentKey) {
      fates.push({ treatmentKey: key, fate: "chosen", value: decision.expectedValue });
      continue;
    }
    const excluded = excludedByKey.get(key);
    const first = excluded?.reasons[0];
    if (excluded && first) {
      const until = allowedFrom(excluded.reasons);
      fates.push({ treatmentKey: key, fate: "excluded", rule: first.rule, reason: excluded.problems.join("; "), ...(until ? { until } : {}) });
      continue;
    }
    if (setAside.has(key)) {
      const price = opts.excludePrices?.[key];
      fates.push({ treatmentKey: key, fate: "excluded", rule: "set_aside", reason: opts.excludeReasons?.[key] ?? "set aside for this decision", ...(price !== undefined ? { price } : {}) });
      continue;
    }
    const alternative = alternativeRank.get(key);
    if (alternative) fates.push({ treatmentKey: key, fate: "alternative", rank: alternative.rank, value: alternative.value });
  }
  return fates;
}
