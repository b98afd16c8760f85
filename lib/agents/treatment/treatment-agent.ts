// The treatment agent: recommends one treatment per customer with the model policy when a chat
// model is given and the deterministic policy otherwise, and finds alternatives when a choice
// cannot be served. Whatever the policy, the chosen treatment is compliant when checked in code.
import type { TreatmentAgentMessage, TreatmentAgentResponse, TreatmentContext } from "../messages";
import type { ChatModel } from "../ports";
import { type Agent, type HandlerMap, dispatch, fail, ok } from "../protocol";
import type { ContactPolicy } from "../rules/contact-policy";
import { pickFromPrevious } from "./alternatives";
import type { CatalogEntry } from "./compliance";
import { decideWithModel } from "./llm-policy";
import { type RulesResult, decideByRules } from "./rules-policy";
import { messageProblems } from "./validate";

export const TREATMENT_AGENT_NAME = "treatment";

export type TreatmentAgentOptions = {
  catalog: readonly CatalogEntry[];
  /** The model for the model policy; null decides with the deterministic policy. */
  model: ChatModel | null;
  /**
   * The contact policy in force when the run started; every option either policy may choose is
   * checked against it with the customer's contact history. Null or absent checks none of its rules.
   */
  contactPolicy?: ContactPolicy | null;
};

export type TreatmentAgent = Agent<TreatmentAgentMessage, TreatmentAgentResponse>;

type Type = TreatmentAgentMessage["type"];

function contextOf(message: TreatmentContext): TreatmentContext {
  const { customer, analysis, summary, permissions, now, contactHistory } = message;
  return { customer, analysis, summary, permissions, now, contactHistory };
}

/** Shape problems, then facts that belong to someone else: both are the caller's mistake. */
function inputProblem(message: TreatmentAgentMessage): string | null {
  const problems = messageProblems(message);
  if (problems.length > 0) return problems.join("; ");
  if (message.analysis.customerId !== message.customer.id) return `analysis.customerId: is ${message.analysis.customerId}, not the customer ${message.customer.id}`;
  if (message.summary.customerId !== message.customer.id) return `summary.customerId: is ${message.summary.customerId}, not the customer ${message.customer.id}`;
  return null;
}

function answer<T extends Type>(type: T, result: RulesResult): TreatmentAgentResponse {
  if (!result.ok) return fail(type, "no_eligible_treatment", result.reason) as TreatmentAgentResponse;
  return ok(type, result.decision) as TreatmentAgentResponse;
}

/** The treatment agent over `catalog`; with `model` null every decision is made by the rules. */
export function createTreatmentAgent(options: TreatmentAgentOptions): TreatmentAgent {
  const { catalog, model } = options;
  const contactPolicy = options.contactPolicy ?? null;

  function decide(context: TreatmentContext, exclude: readonly string[], excludeReasons?: Record<string, string>): Promise<RulesResult> {
    if (!model) return Promise.resolve(decideByRules({ ...context, contactPolicy, catalog, exclude, excludeReasons }));
    return decideWithModel({ ...context, contactPolicy, catalog, exclude, excludeReasons, model });
  }

  const handlers: HandlerMap<TreatmentAgentMessage, TreatmentAgentResponse> = {
    recommend_treatment: async (message) => {
      const problem = inputProblem(message);
      if (problem) return fail(message.type, "invalid_message", problem) as TreatmentAgentResponse;
      return answer(message.type, await decide(contextOf(message), []));
    },
    find_alternative_treatment: async (message) => {
      const problem = inputProblem(message);
      if (problem) return fail(message.type, "invalid_message", problem) as TreatmentAgentResponse;
      const context = contextOf(message);
      const { exclude, previous, excludeReasons } = message;
      if (!previous) return answer(message.type, await decide(context, exclude, excludeReasons));
      const picked = pickFromPrevious({ ...context, contactPolicy, catalog, previous, exclude, excludeReasons });
      if (picked) return ok(message.type, picked) as TreatmentAgentResponse;
      // The earlier ranking is used up: the rules rank what is left, still without a model call.
      const setAside = [...new Set([...exclude, previous.treatmentKey])];
      const notes = [...previous.notes, `No alternative of the earlier decision (${previous.treatmentKey}) is left after ${setAside.join(", ")} ${setAside.length === 1 ? "was" : "were"} set aside; the rules rank the remaining options.`];
      return answer(message.type, decideByRules({ ...context, contactPolicy, catalog, exclude: setAside, excludeReasons, notes, usage: previous.usage }));
    },
  };

  return {
    name: TREATMENT_AGENT_NAME,
    process: (message) => dispatch(TREATMENT_AGENT_NAME, handlers, message),
  };
}

