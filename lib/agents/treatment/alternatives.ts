// The next treatment after some were set aside (out of capacity): the earlier decision's ranked
// alternatives are walked in order, each checked again in code, so no new model call is needed
// while one of them is still allowed.
import type { RankedAlternative, TreatmentDecision } from "../domain";
import { type CatalogEntry, type CustomerFacts, checkCompliance } from "./compliance";
import { fatesOf } from "./fates";
import { confidenceFor, expectedValueOf, rankedOptionsFor, reasonFor } from "./rules-policy";

export type FromPreviousInput = CustomerFacts & {
  catalog: readonly CatalogEntry[];
  previous: TreatmentDecision;
  exclude: readonly string[];
  excludeReasons?: Readonly<Record<string, string>>;
};

function listNames(keys: readonly string[], catalog: readonly CatalogEntry[]): string {
  const names = keys.map((k) => catalog.find((t) => t.key === k)?.name ?? k);
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * The best of `previous.alternatives` (in its order) that is in the catalog, outside `exclude`
 * and compliant now; null when none is left. Values, compliance and confidence are recomputed in
 * code; usage is the previous decision's, since no model was asked, and its notes come first.
 */
export function pickFromPrevious(input: FromPreviousInput): TreatmentDecision | null {
  const { catalog, previous, analysis } = input;
  const setAside = new Set([...input.exclude, previous.treatmentKey]);
  const skipped: string[] = [];
  const candidates = previous.alternatives.filter((a) => !setAside.has(a.treatmentKey));

  for (let i = 0; i < candidates.length; i++) {
    const alt = candidates[i]!;
    const treatment = catalog.find((t) => t.key === alt.treatmentKey);
    const compliance = checkCompliance({ ...input, treatmentKey: alt.treatmentKey });
    if (!treatment || !compliance.isCompliant) {
      skipped.push(`${alt.treatmentKey} (${compliance.problems.join("; ")})`);
      continue;
    }
    const breakdown = expectedValueOf(treatment, analysis);
    const { ranked, excluded: refused } = rankedOptionsFor({ ...input, exclude: [...setAside] });
    const index = ranked.findIndex((o) => o.treatment.key === treatment.key);
    const ruleConfidence = index >= 0 ? confidenceFor(ranked, index, analysis) : previous.confidence;
    // For a rules ranking the reason is rewritten from today's numbers; a model's reason is its own.
    const option = index >= 0 ? ranked[index] : undefined;
    const reason = previous.policy === "rules" && option ? reasonFor(option) : alt.reason;
    const rest: RankedAlternative[] = [];
    for (const next of candidates.slice(i + 1)) {
      const entry = catalog.find((t) => t.key === next.treatmentKey);
      if (entry) rest.push({ treatmentKey: entry.key, expectedValue: expectedValueOf(entry, analysis).value, reason: next.reason });
    }
    const excluded = [...setAside].filter((k) => k !== treatment.key);
    // The earlier notes stay first: how that decision came about (a refused model answer, a fall
    // back to the rules) is still the story of this one.
    const notes = [...previous.notes, `Taken from the ranked alternatives of the earlier decision (${previous.treatmentKey}) after ${excluded.join(", ")} ${excluded.length === 1 ? "was" : "were"} set aside; the model was not asked again.`];
    if (skipped.length > 0) notes.push(`Skipped alternatives that are no longer allowed: ${skipped.join(", ")}.`);
    const decision: TreatmentDecision = {
      treatmentKey: treatment.key,
      isNoAction: treatment.isNoAction,
      policy: previous.policy,
      rationale: `${listNames(excluded, catalog)} cannot be used, so the next option in the earlier ranking is taken. ${reason}`,
      evidence: previous.evidence,
      confidence: previous.policy === "llm" ? Math.min(previous.confidence, ruleConfidence) : ruleConfidence,
      expectedValue: breakdown.value,
      alternatives: rest,
      compliance,
      notes,
      usage: previous.usage,
    };
    decision.fates = fatesOf({ catalog, decision, ranked, excluded: refused, exclude: [...setAside], excludeReasons: input.excludeReasons });
    return decision;
  }
  return null;
}
