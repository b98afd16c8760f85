// The model's words are data about a customer, never instructions to the people who review them.
// A rationale that tries to steer the reviewer (approve it, ignore the rules, give something away)
// or argues for a treatment other than the one chosen is kept as evidence but not shown as the
// reason for the decision. Pure.
import type { TreatmentDefinition } from "../domain";

type Catalog = readonly Pick<TreatmentDefinition, "key" | "name" | "description" | "isNoAction">[];

type Pattern = { pattern: RegExp; problem: string };

// Each pattern reads as an order to a person or a system, not as a description of a customer.
const INSTRUCTIONS: readonly Pattern[] = [
  {
    pattern: /\b(ignore|disregard|forget|override|bypass|skip|circumvent)\b[^.!?\n]{0,40}\b(rules?|instructions?|polic(y|ies)|checks?|guidelines?|limits?|compliance|consent|review|restrictions?|eligibility)\b/i,
    problem: "tells the reader to set rules or checks aside",
  },
  {
    pattern: /\b(auto[- ]?approved?|approve[sd]? (it|this|them|now|immediately|automatically|without|all|every|at once)|(must|should|shall|needs? to) be approved|please approve|approval (is )?(mandatory|required|guaranteed))\b/i,
    problem: "tells the reader to approve",
  },
  { pattern: /\b(system prompt|developer message|new instructions?|you (must|should|are to|will now)|as an ai\b|reviewers? (must|should))\b/i, problem: "addresses the reader or the system" },
  { pattern: /(^|\s)(IMPORTANT|ATTENTION|NOTE TO (THE )?REVIEWERS?|INSTRUCTION)\s*[:!]/, problem: "addresses the reader or the system" },
];

const FREE_GIFT: Pattern = {
  pattern: /\b(for free|free of charge|at no (cost|charge)|(give|offer|send|grant|waive)[a-z]*\b[^.!?\n]{0,40}\bfree\b|free (phone|handset|device|months?|year|upgrade|service|line|contract|plan|bill))\b/i,
  problem: "promises something free that the chosen treatment does not give",
};

// Treatments that are themselves a gift (extra data at no charge) may be described as one.
const GIFT_DESCRIPTION = /\b(free|no charge|no cost|waive[sd]?|at no)\b/i;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// The catalog is the same for every decision of a run, so its name patterns are built once.
const namePatterns = new WeakMap<Catalog, { key: string; pattern: RegExp }[]>();

function namesOf(catalog: Catalog): { key: string; pattern: RegExp }[] {
  let patterns = namePatterns.get(catalog);
  if (!patterns) {
    // No action is left out: its name is everyday English ("no action") and its key may be a verb.
    patterns = catalog
      .filter((t) => !t.isNoAction)
      .map((t) => ({ key: t.key, pattern: new RegExp(`(^|[^a-z0-9_])(${escapeRegExp(t.key)}|${escapeRegExp(t.name)})($|[^a-z0-9_])`, "i") }));
    namePatterns.set(catalog, patterns);
  }
  return patterns;
}

/**
 * Why `text` may not be shown as the reason for choosing `chosenKey`: each problem once, in a
 * fixed order; empty when it may be shown. Text naming another catalog treatment is refused too,
 * because the shown reason must be about the treatment the reviewer is asked to send.
 */
export function rationaleProblems(opts: { text: string; chosenKey: string; catalog: Catalog }): string[] {
  const { text, chosenKey, catalog } = opts;
  const problems = new Set<string>();
  for (const { pattern, problem } of INSTRUCTIONS) if (pattern.test(text)) problems.add(problem);
  const chosen = catalog.find((t) => t.key === chosenKey);
  const isGift = chosen !== undefined && GIFT_DESCRIPTION.test(`${chosen.name} ${chosen.description}`);
  if (!isGift && FREE_GIFT.pattern.test(text)) problems.add(FREE_GIFT.problem);
  const others = namesOf(catalog).filter((n) => n.key !== chosenKey && n.pattern.test(text));
  if (others.length > 0) problems.add(`names another treatment (${others.map((o) => o.key).join(", ")})`);
  return [...problems];
}
