// The outcome file's layout and how each cell is read into what the evaluation agent checks.
import type { OutcomeInput } from "../agents/evaluation/outcome";

/** Header names, in the agent's field order; every column must be present, in any order. */
export const OUTCOME_COLUMNS = {
  recommendationId: "recommendation_id",
  contactMade: "contact_made",
  response: "response",
  stayed30d: "stayed_30d",
  stayed90d: "stayed_90d",
  revenueChangeGbp: "revenue_change_gbp",
  recordedAt: "recorded_at",
} as const;

type Field = keyof typeof OUTCOME_COLUMNS;

export const OUTCOME_HEADER = Object.values(OUTCOME_COLUMNS);

/** The column a field of the agent's outcome comes from ("outcome.stayed90d" → "stayed_90d"). */
export function columnOf(agentField: string): string {
  const field = agentField.replace(/^outcome\./, "").split(".")[0] as Field;
  return OUTCOME_COLUMNS[field] ?? agentField;
}

const TRUE = new Set(["true", "yes", "y", "1"]);
const FALSE = new Set(["false", "no", "n", "0"]);

export type CellProblem = { column: string; reason: string };

/** A flag as people write it; blank is unknown (null). Anything else is left for the agent to refuse. */
function flag(text: string): boolean | null | string {
  const t = text.trim().toLowerCase();
  if (t === "") return null;
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  return text;
}

/**
 * One record's cells by header position, as the agent's outcome input. Values that are not what
 * their column needs are passed through as text so the agent names the field; only a number that
 * does not parse is refused here, since "12,50" would otherwise read as 12.
 */
export function readOutcomeCells(cells: Record<Field, string>): { ok: true; input: OutcomeInput } | { ok: false; problem: CellProblem } {
  const revenueText = cells.revenueChangeGbp.trim().replace(/^£/, "");
  const revenue = revenueText === "" ? null : Number(revenueText);
  if (revenue !== null && !Number.isFinite(revenue)) {
    return { ok: false, problem: { column: OUTCOME_COLUMNS.revenueChangeGbp, reason: `"${cells.revenueChangeGbp}" is not a number of pounds (write 12.50 or -3)` } };
  }
  const response = cells.response.trim();
  return {
    ok: true,
    input: {
      recommendationId: cells.recommendationId.trim(),
      contactMade: flag(cells.contactMade) as boolean,
      response: response === "" ? null : response,
      stayed30d: flag(cells.stayed30d) as boolean | null,
      stayed90d: flag(cells.stayed90d) as boolean | null,
      revenueChangeGbp: revenue,
      source: "import",
      recordedAt: cells.recordedAt.trim(),
    },
  };
}
