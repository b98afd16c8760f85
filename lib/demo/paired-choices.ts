// The backtest's paired comparison: the same customers on the same days decided in the world that
// learns effects and in the one that keeps the catalog's, and what each difference was worth under
// the simulator's truth.

/** A decision of the backtest's days: "" for no action, its value under the ground truth (0 when not treated), and why each treatment was or was not chosen. */
export type DecisionValue = { key: string; treatmentKey: string; isTreated: boolean; valueGbp: number; fates: readonly { treatmentKey: string; fate: string; rule?: string }[] };

/** The same customers on the same days in both worlds: how many were decided differently, and what that was worth under the truth. */
export type PairedChoices = {
  pairs: number;
  differing: number;
  learnedGainGbp: number;
  learnedLossGbp: number;
  /**
   * Each kind of change (the catalog world's choice, the learned world's) with its count and net
   * worth to the learned world, largest first, and why the learned world did not choose the catalog
   * world's treatment: ranked below on value, or excluded by a rule (capacity, contact policy, ...).
   */
  switches: { catalog: string; learned: string; count: number; learnedGainGbp: number; why: Record<string, number> }[];
};

/**
 * Pairs each decision of the learned world with the catalog world's for the same customer and day:
 * how many differ, their worth to the learned world (gains and losses apart), and each kind of
 * switch with why the learned world passed over the catalog world's choice.
 */
export function pairChoices(learned: ReadonlyMap<string, DecisionValue>, catalog: ReadonlyMap<string, DecisionValue>): PairedChoices {
  const paired: PairedChoices = { pairs: 0, differing: 0, learnedGainGbp: 0, learnedLossGbp: 0, switches: [] };
  const switches = new Map<string, PairedChoices["switches"][number]>();
  const label = (v: DecisionValue) => (v.isTreated ? v.treatmentKey : v.treatmentKey ? `held out or not approved (${v.treatmentKey})` : "no action");
  for (const [key, l] of learned) {
    const c = catalog.get(key);
    if (!c) continue;
    paired.pairs++;
    if (l.treatmentKey === c.treatmentKey && l.isTreated === c.isTreated) continue;
    paired.differing++;
    const gain = l.valueGbp - c.valueGbp;
    const kind = `${label(c)}→${label(l)}`;
    const change = switches.get(kind) ?? { catalog: label(c), learned: label(l), count: 0, learnedGainGbp: 0, why: {} };
    change.count++;
    const fate = l.fates.find((f) => f.treatmentKey === c.treatmentKey);
    const why = !fate ? "not decided" : fate.fate === "excluded" ? `excluded: ${fate.rule ?? "?"}` : fate.fate === "alternative" ? "ranked below" : "chosen, then not approved or held out";
    change.why[why] = (change.why[why] ?? 0) + 1;
    change.learnedGainGbp += gain;
    switches.set(kind, change);
    if (gain >= 0) paired.learnedGainGbp += gain;
    else paired.learnedLossGbp -= gain;
  }
  const ranked = [...switches.values()].map((w) => ({ ...w, learnedGainGbp: Math.round(w.learnedGainGbp) })).sort((a, b) => Math.abs(b.learnedGainGbp) - Math.abs(a.learnedGainGbp));
  return { ...paired, learnedGainGbp: Math.round(paired.learnedGainGbp), learnedLossGbp: Math.round(paired.learnedLossGbp), switches: ranked };
}
