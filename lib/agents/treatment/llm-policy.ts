// The model policy: one structured-output call limited to the options our code allows, its answer
// parsed and checked again in code, one retry that states what was wrong, and the deterministic
// policy whenever the model is unavailable or its answers cannot be used.
import { z } from "zod";
import type { JourneySummary, ModelFallback, ModelUsage, RankedAlternative, TreatmentDecision } from "../domain";
import { type ChatModel, type ChatRequest, ModelUnavailableError } from "../ports";
import { type CatalogEntry, type CustomerFacts, type ExcludedTreatment, checkCompliance, contactLanguage, formatPercent } from "./compliance";
import { fatesOf } from "./fates";
import { ANSWER_LIMITS, SYSTEM_PROMPT, answerSchema, buildRetryMessage, buildUserMessage } from "./prompt";
import { rationaleProblems } from "./rationale-guard";
import { type RulesResult, type ScoredOption, decideByRules, explainChoice, formatMoney, rankedOptionsFor, reasonFor, zeroUsage } from "./rules-policy";

/** Answers asked for per decision: the first and one retry. */
export const MAX_MODEL_ATTEMPTS = 2;

/** Longest stretch of a rejected answer sent back to the model with the retry. */
const ECHO_CHARS = 4000;

/** Longest treatment key or model name kept from an answer; real ones are far shorter, and notes quote them. */
const KEY_CHARS = 200;

/** Longest stretch of a parser or client message quoted in a note. */
const MESSAGE_CHARS = 500;

// PostgreSQL text and jsonb refuse U+0000 (and jsonb an unpaired surrogate), so one such character
// in a stored answer would fail the whole batch write; the other C0 controls except tab and
// newline have no place in text for a reviewer either.
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/**
 * `text` (its first `maxChars` UTF-16 units when given) without C0 control characters (tab and
 * newline kept) and with unpaired surrogates, a cut pair included, as U+FFFD.
 */
export function cleanModelText(text: string, maxChars?: number): string {
  const kept = maxChars === undefined ? text : text.slice(0, maxChars);
  return kept.replace(CONTROL_CHARS, "").toWellFormed();
}

/** A string from the answer, cleaned first so the bounds apply to what is kept. */
function modelText(opts: { min: number; max: number }) {
  return z.string().transform((text) => cleanModelText(text)).pipe(z.string().trim().min(opts.min).max(opts.max));
}

// A key is only ever compared with the allowed keys, so an overlong one is cut rather than refused:
// it matches nothing either way.
const modelKey = z.string().transform((key) => cleanModelText(key, KEY_CHARS));

const answerParser = z.object({
  treatmentKey: modelKey,
  rationale: modelText({ min: 1, max: ANSWER_LIMITS.rationaleChars }),
  evidence: z.array(modelText({ min: 1, max: ANSWER_LIMITS.evidenceChars })).max(ANSWER_LIMITS.evidenceItems),
  confidence: z.number().min(0).max(1),
  alternatives: z.array(z.object({ treatmentKey: modelKey, reason: modelText({ min: 0, max: ANSWER_LIMITS.reasonChars }) })).max(ANSWER_LIMITS.alternatives),
});

export type ModelAnswer = z.infer<typeof answerParser>;

export type ModelPolicyInput = CustomerFacts & {
  summary: JourneySummary;
  catalog: readonly CatalogEntry[];
  exclude?: readonly string[];
  excludeReasons?: Readonly<Record<string, string>>;
  model: ChatModel;
};

/**
 * `problems` are for the notes; `retryProblems`, when present, are what the retry tells the model
 * instead, because the full reasons quote customer records outside the data block.
 */
type Checked = { ok: true; answer: ModelAnswer; option: ScoredOption } | { ok: false; problems: string[]; retryProblems?: string[] };

/**
 * Parses the model's text and checks its choice in code: JSON of the answer's shape, a catalog
 * key, not set aside, and compliant for this customer now. Problems are sentences for the retry.
 */
export function checkAnswer(content: string, opts: CustomerFacts & { options: readonly ScoredOption[]; catalog: readonly CatalogEntry[]; exclude: readonly string[] }): Checked {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (err) {
    // The parser's message quotes the answer, so it is cleaned like any text from the model.
    return { ok: false, problems: [`the answer is not valid JSON (${cleanModelText((err as Error).message, MESSAGE_CHARS)})`] };
  }
  const parsed = answerParser.safeParse(json);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".") || "answer"}: ${i.message}`) };
  }
  const key = parsed.data.treatmentKey;
  const option = opts.options.find((o) => o.treatment.key === key);
  if (option) return { ok: true, answer: parsed.data, option };
  if (!opts.catalog.some((t) => t.key === key)) return { ok: false, problems: [`treatment '${key}' is not in the catalog`] };
  if (opts.exclude.includes(key)) return { ok: false, problems: [`treatment '${key}' was set aside for this decision and cannot be chosen`] };
  const compliance = checkCompliance({ ...opts, treatmentKey: key });
  const why = compliance.problems.length > 0 ? compliance.problems.join("; ") : "it is not one of the allowed options";
  return {
    ok: false,
    problems: [`treatment '${key}' is not allowed for this customer: ${why}`],
    retryProblems: [`treatment '${key}' is not allowed for this customer: it is not one of the allowed options`],
  };
}

function addUsage(usage: ModelUsage, promptTokens: number, completionTokens: number): ModelUsage {
  return { ...usage, calls: usage.calls + 1, promptTokens: usage.promptTokens + promptTokens, completionTokens: usage.completionTokens + completionTokens };
}

/**
 * The model's ranking kept where it names allowed options; values and order of the rest come from
 * code. A reason that may not be shown (rationale-guard.ts) is replaced by the rules' reason.
 */
function rankedAlternatives(answer: ModelAnswer, chosen: ScoredOption, options: readonly ScoredOption[], catalog: readonly CatalogEntry[]): { alternatives: RankedAlternative[]; dropped: string[]; withheld: string[] } {
  const seen = new Set([chosen.treatment.key]);
  const alternatives: RankedAlternative[] = [];
  const dropped: string[] = [];
  const withheld: string[] = [];
  for (const alt of answer.alternatives) {
    const option = options.find((o) => o.treatment.key === alt.treatmentKey);
    if (!option) {
      dropped.push(alt.treatmentKey);
      continue;
    }
    if (seen.has(alt.treatmentKey)) continue;
    seen.add(alt.treatmentKey);
    const isShowable = rationaleProblems({ text: alt.reason, chosenKey: alt.treatmentKey, catalog }).length === 0;
    if (!isShowable) withheld.push(`${alt.treatmentKey}: "${alt.reason}"`);
    alternatives.push({ treatmentKey: alt.treatmentKey, expectedValue: option.breakdown.value, reason: isShowable && alt.reason ? alt.reason : reasonFor(option) });
  }
  return { alternatives, dropped, withheld };
}

type ModelDecisionInput = {
  answer: ModelAnswer;
  option: ScoredOption;
  options: readonly ScoredOption[];
  excluded: readonly ExcludedTreatment[];
  exclude: readonly string[];
  excludeReasons?: Readonly<Record<string, string>>;
  catalog: readonly CatalogEntry[];
  analysis: ModelPolicyInput["analysis"];
  notes: string[];
  usage: ModelUsage;
  modelName: string;
  fallbackEvidence: string[];
};

// The model's words reach reviewers only when they describe the customer and the chosen treatment;
// words that instruct are kept in the notes, which the trace records, as evidence of what it said.
function modelDecision(opts: ModelDecisionInput): TreatmentDecision {
  const { answer, option, options, catalog } = opts;
  const notes = [...opts.notes, `Recommended by the model ${opts.modelName}; its choice was checked against the catalog, eligibility, permissions and the contact policy.`];
  const { alternatives, dropped, withheld } = rankedAlternatives(answer, option, options, catalog);
  if (dropped.length > 0) notes.push(`Alternatives the model named that are not allowed were left out: ${[...new Set(dropped)].join(", ")}.`);
  if (withheld.length > 0) notes.push(`Reasons the model gave for alternatives that may not be shown were replaced by the rules' reasons; its words: ${withheld.join(" | ")}`);
  const best = options[0];
  if (best && best.treatment.key !== option.treatment.key) {
    notes.push(`The rules would choose ${best.treatment.name} (${formatMoney(best.treatment.isNoAction ? 0 : best.breakdown.value)}); the model chose ${option.treatment.name} (${formatMoney(option.breakdown.value)}).`);
  }
  let rationale = answer.rationale;
  const problems = rationaleProblems({ text: answer.rationale, chosenKey: option.treatment.key, catalog });
  if (problems.length > 0) {
    rationale = explainChoice({ ranked: options, index: options.indexOf(option), analysis: opts.analysis, excluded: opts.excluded, exclude: opts.exclude });
    notes.push(`The model's rationale is not shown because it ${problems.join("; ")}; the rules' explanation is shown instead. The model wrote: "${answer.rationale}"`);
  }
  const evidence: string[] = [];
  for (const item of new Set(answer.evidence)) {
    const itemProblems = rationaleProblems({ text: item, chosenKey: option.treatment.key, catalog });
    if (itemProblems.length === 0) evidence.push(item);
    else notes.push(`Evidence from the model left out because it ${itemProblems.join("; ")}: "${item}"`);
  }
  const decision: TreatmentDecision = {
    treatmentKey: option.treatment.key,
    isNoAction: option.treatment.isNoAction,
    policy: "llm",
    rationale,
    evidence: evidence.length > 0 ? evidence : opts.fallbackEvidence,
    confidence: Math.round(answer.confidence * 100) / 100,
    // Money is ours: the model never states a value, and none it might state is used.
    expectedValue: option.breakdown.value,
    alternatives,
    compliance: option.compliance,
    notes,
    usage: opts.usage,
  };
  decision.fates = fatesOf({ catalog, decision, ranked: options, excluded: opts.excluded, exclude: opts.exclude, excludeReasons: opts.excludeReasons });
  return decision;
}

function byRules(input: ModelPolicyInput, notes: string[], usage: ModelUsage, modelFallback?: ModelFallback): RulesResult {
  const result = decideByRules({ ...input, notes, usage });
  // Marked on the decision so a run's summary counts fallbacks without reading the notes.
  if (result.ok && modelFallback) result.decision.modelFallback = modelFallback;
  return result;
}

/**
 * Decides with the model, limited to the compliant options outside `exclude`; the rules decide
 * instead when only no action is allowed (no call), when the model is unavailable, and when two
 * answers in a row cannot be used. The result has the rules policy's shape either way.
 */
export async function decideWithModel(input: ModelPolicyInput): Promise<RulesResult> {
  const exclude = input.exclude ?? [];
  const { ranked: options, excluded } = rankedOptionsFor({ ...input, exclude });
  if (options.length === 0) return byRules(input, [], zeroUsage());
  if (options.every((o) => o.treatment.isNoAction)) {
    return byRules(input, ["Only no action is allowed for this customer, so the model was not asked."], zeroUsage());
  }

  const keys = options.map((o) => o.treatment.key);
  const language = contactLanguage(input.customer, input.permissions);
  const user = buildUserMessage({ customer: input.customer, analysis: input.analysis, summary: input.summary, options, language });
  const schema = answerSchema(keys);
  let request: ChatRequest = { system: SYSTEM_PROMPT, user, schema };
  let usage = zeroUsage();
  const notes: string[] = [];

  for (let attempt = 1; attempt <= MAX_MODEL_ATTEMPTS; attempt++) {
    let content: string;
    let modelName: string;
    try {
      const answer = await input.model.complete(request);
      usage = addUsage(usage, answer.promptTokens, answer.completionTokens);
      content = answer.content;
      modelName = cleanModelText(answer.model, KEY_CHARS) || input.model.name;
    } catch (err) {
      if (!(err instanceof ModelUnavailableError)) throw err;
      // A paused model was not called: the decision names the pause, and no call is counted.
      const reason = cleanModelText(err.message, MESSAGE_CHARS);
      if (err.kind === "paused") {
        notes.push(`The model was not asked: ${reason}`, "Decided by the rules instead.");
        return byRules(input, notes, usage, { kind: "paused", reason });
      }
      usage = { ...usage, calls: usage.calls + 1 };
      notes.push(`The model was unavailable (${err.kind}): ${reason}`, "Decided by the rules instead.");
      return byRules(input, notes, usage, { kind: err.kind, reason });
    }
    const checked = checkAnswer(content, { ...input, options, exclude });
    if (checked.ok) {
      if (attempt > 1) notes.push(`Answer ${attempt} was accepted.`);
      const { metrics } = input.analysis;
      const fallbackEvidence = [`churn risk ${formatPercent(metrics.churnRisk)}`, `remaining lifetime value ${formatMoney(metrics.lifetimeValue)}`];
      const decision = modelDecision({
        answer: checked.answer,
        option: checked.option,
        options,
        excluded,
        exclude,
        excludeReasons: input.excludeReasons,
        catalog: input.catalog,
        analysis: input.analysis,
        notes,
        usage,
        modelName,
        fallbackEvidence,
      });
      return { ok: true, decision, ranked: options };
    }
    notes.push(`Model answer ${attempt} was rejected: ${checked.problems.join("; ")}.`);
    if (attempt < MAX_MODEL_ATTEMPTS) {
      usage = { ...usage, retries: usage.retries + 1 };
      request = {
        system: SYSTEM_PROMPT,
        schema,
        history: [
          { role: "user", content: user },
          { role: "assistant", content: content.slice(0, ECHO_CHARS) },
        ],
        user: buildRetryMessage(checked.retryProblems ?? checked.problems, keys),
      };
    }
  }
  notes.push(`Decided by the rules after ${MAX_MODEL_ATTEMPTS} unusable model answers.`);
  return byRules(input, notes, usage, { kind: "unusable_answers", reason: `${MAX_MODEL_ATTEMPTS} unusable model answers` });
}
