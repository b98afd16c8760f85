// The journey agent: builds a customer's journey from their data, analyses it (metrics and named
// patterns with evidence) and writes the compact summary the treatment agent reads.
import type { CustomerData, CustomerProfile } from "../domain";
import type { JourneyAgentMessage, JourneyAgentResponse } from "../messages";
import { type Agent, type HandlerMap, dispatch, fail, ok } from "../protocol";
import { analyzeJourney } from "./analyze";
import { buildJourney } from "./build";
import { DEFAULT_BUDGET_CHARS, summarizeJourney } from "./summarize";
import { analysisProblem, customerDataProblem, isoTimeProblem, journeyProblem, profileProblem } from "./validate";

export const JOURNEY_AGENT_NAME = "journey";

/** Bounds of `budgetChars` a summary accepts, in characters. */
export const SUMMARY_BUDGET = { min: 200, max: 20_000 } as const;

export type JourneyAgent = Agent<JourneyAgentMessage, JourneyAgentResponse>;

const invalid = <T extends JourneyAgentMessage["type"]>(type: T, reason: string) => fail(type, "invalid_message", reason) as JourneyAgentResponse;

/** The journey agent; stateless, so one instance may serve any number of concurrent messages. */
export function createJourneyAgent(): JourneyAgent {
  const handlers: HandlerMap<JourneyAgentMessage, JourneyAgentResponse> = {
    build_journey: async (m) => {
      const problem = customerDataProblem(m.data, "data");
      if (problem) return invalid(m.type, problem);
      return ok(m.type, buildJourney(m.data as CustomerData));
    },
    analyze_journey: async (m) => {
      const problem = journeyProblem(m.journey, "journey") ?? profileProblem(m.profile, "profile") ?? isoTimeProblem(m.asOf, "asOf");
      if (problem) return invalid(m.type, problem);
      if (m.journey.customerId !== m.profile.id) return invalid(m.type, `journey of ${m.journey.customerId} does not belong to profile ${m.profile.id}`);
      return ok(m.type, analyzeJourney(m.journey, m.profile as CustomerProfile, Date.parse(m.asOf)));
    },
    summarize_journey: async (m) => {
      const problem = journeyProblem(m.journey, "journey") ?? analysisProblem(m.analysis, "analysis") ?? profileProblem(m.profile, "profile");
      if (problem) return invalid(m.type, problem);
      const budget = m.budgetChars ?? DEFAULT_BUDGET_CHARS;
      if (!Number.isInteger(budget) || budget < SUMMARY_BUDGET.min || budget > SUMMARY_BUDGET.max) {
        return invalid(m.type, `budgetChars must be a whole number from ${SUMMARY_BUDGET.min} to ${SUMMARY_BUDGET.max}`);
      }
      if (m.journey.customerId !== m.profile.id || m.analysis.customerId !== m.profile.id) {
        return invalid(m.type, `journey, analysis and profile must belong to one customer`);
      }
      return ok(m.type, summarizeJourney({ journey: m.journey, analysis: m.analysis, profile: m.profile, budgetChars: budget }));
    },
  };
  return { name: JOURNEY_AGENT_NAME, process: (message) => dispatch(JOURNEY_AGENT_NAME, handlers, message) };
}
