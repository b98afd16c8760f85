import { describe, expect, test } from "vitest";
import type { ChatModel, ChatRequest } from "../ports";
import type { TreatmentDecision } from "../domain";
import type { TreatmentAgentMessage, TreatmentAgentResponse, TreatmentContext } from "../messages";
import { checkCompliance } from "./compliance";
import { decideByRules } from "./rules-policy";
import { complainerContext, makeContext, makePermissions, noRecordContext, quietContext, testCatalog } from "./testing/fixtures";
import { createTreatmentAgent } from "./treatment-agent";

const rulesAgent = () => createTreatmentAgent({ catalog: testCatalog, model: null });

/** A model that must not be asked: every call is counted and fails the test. */
function forbiddenModel(): ChatModel & { calls: ChatRequest[] } {
  const calls: ChatRequest[] = [];
  return {
    name: "forbidden",
    calls,
    complete: async (request) => {
      calls.push(request);
      throw new Error("the model must not be asked");
    },
  };
}

/** A model whose every answer is unusable, so the rules decide after a retry. */
function unusableModel(): ChatModel {
  return { name: "unusable", complete: async () => ({ content: "not json", promptTokens: 10, completionTokens: 2, model: "unusable" }) };
}

function decisionOf(response: TreatmentAgentResponse): TreatmentDecision {
  if (!response.ok) throw new Error(`expected a decision, got ${response.error.code}: ${response.error.reason}`);
  return response.data;
}

function expectCompliantFor(decision: TreatmentDecision, context: TreatmentContext) {
  expect(decision.compliance.isCompliant).toBe(true);
  expect(checkCompliance({ catalog: testCatalog, treatmentKey: decision.treatmentKey, ...context }).isCompliant).toBe(true);
}

describe("deterministic policy through the agent", () => {
  test("is named treatment", () => {
    expect(rulesAgent().name).toBe("treatment");
  });

  test.each<[string, TreatmentContext, string, boolean]>([
    ["a high-value complainer gets a service call-back", complainerContext(), "service_call_back", false],
    ["a quiet low-value customer is left alone", quietContext(), "ignore", true],
    ["a customer without a permission record is left alone", noRecordContext(), "ignore", true],
  ])("%s", async (_title, context, key, isNoAction) => {
    const decision = decisionOf(await rulesAgent().process({ type: "recommend_treatment", ...context }));
    expect(decision).toMatchObject({ treatmentKey: key, isNoAction, policy: "rules", usage: { calls: 0, promptTokens: 0, completionTokens: 0, retries: 0 } });
    expect(decision.rationale.length).toBeGreaterThan(40);
    expect(decision.evidence.length).toBeGreaterThan(0);
    expectCompliantFor(decision, context);
  });

  test("gives the same answer as the rules policy it wraps", async () => {
    const context = complainerContext();
    const direct = decideByRules({ catalog: testCatalog, ...context });
    const viaAgent = decisionOf(await rulesAgent().process({ type: "recommend_treatment", ...context }));
    expect(direct.ok && direct.decision).toEqual(viaAgent);
  });

  test("a call decided at 22:30 in London carries the next allowed contact time, 09:00 the next morning", async () => {
    const decision = decisionOf(await rulesAgent().process({ type: "recommend_treatment", ...complainerContext() }));
    expect(decision.compliance.nextContactAt).toBe("2026-11-25T09:00:00.000Z");
    expect(decision.compliance.language).toBe("cy");
  });
});

describe("find_alternative_treatment", () => {
  test("without an earlier decision, ranks again without the excluded treatments", async () => {
    const context = complainerContext();
    const first = decisionOf(await rulesAgent().process({ type: "recommend_treatment", ...context }));
    const next = decisionOf(await rulesAgent().process({ type: "find_alternative_treatment", exclude: [first.treatmentKey], ...context }));
    expect(next.treatmentKey).not.toBe(first.treatmentKey);
    expect(next.treatmentKey).toBe(first.alternatives[0]!.treatmentKey);
    expectCompliantFor(next, context);
  });

  test("with an earlier decision, takes its best remaining alternative without asking the model", async () => {
    const context = complainerContext();
    const model = forbiddenModel();
    const agent = createTreatmentAgent({ catalog: testCatalog, model });
    const first = decisionOf(await rulesAgent().process({ type: "recommend_treatment", ...context }));
    const next = decisionOf(await agent.process({ type: "find_alternative_treatment", exclude: [first.treatmentKey], previous: first, ...context }));

    expect(model.calls).toHaveLength(0);
    expect(next.treatmentKey).toBe(first.alternatives[0]!.treatmentKey);
    expect(next.policy).toBe("rules");
    expect(next.alternatives.map((a) => a.treatmentKey)).toEqual(first.alternatives.slice(1).map((a) => a.treatmentKey));
    expect(next.notes[0]).toMatch(/ranked alternatives of the earlier decision \(service_call_back\)/);
    expect(next.rationale).toMatch(/^Service call-back cannot be used/);
    expectCompliantFor(next, context);
  });

  test("following every denial in turn ends at no action, each step compliant and new", async () => {
    const context = complainerContext();
    const agent = createTreatmentAgent({ catalog: testCatalog, model: forbiddenModel() });
    let decision = decisionOf(await rulesAgent().process({ type: "recommend_treatment", ...context }));
    const seen = [decision.treatmentKey];
    while (!decision.isNoAction) {
      decision = decisionOf(await agent.process({ type: "find_alternative_treatment", exclude: [...seen], previous: decision, ...context }));
      expectCompliantFor(decision, context);
      expect(seen).not.toContain(decision.treatmentKey);
      seen.push(decision.treatmentKey);
    }
    expect(decision.treatmentKey).toBe("ignore");
    // Contacts worth making come first; no action ends the chain before the unprofitable ones.
    expect(seen.length).toBeGreaterThan(2);
  });

  test("skips earlier alternatives that are no longer allowed or not in the catalog", async () => {
    const context = complainerContext();
    const first = decisionOf(await rulesAgent().process({ type: "recommend_treatment", ...context }));
    const previous: TreatmentDecision = {
      ...first,
      alternatives: [
        { treatmentKey: "marketing_call_back", expectedValue: 500, reason: "Churn risk is under the 50% bar." },
        { treatmentKey: "free_phone", expectedValue: 900, reason: "Not in the catalog." },
        { treatmentKey: "retention_email", expectedValue: 1, reason: "Cheap." },
      ],
    };
    const next = decisionOf(await rulesAgent().process({ type: "find_alternative_treatment", exclude: [first.treatmentKey], previous, ...context }));
    expect(next.treatmentKey).toBe("retention_email");
    expect(next.expectedValue).not.toBe(1);
    expect(next.notes.join(" ")).toMatch(/Skipped alternatives that are no longer allowed: marketing_call_back .*free_phone/);
  });

  test("when the earlier ranking is used up, the rules rank what is left", async () => {
    const context = complainerContext();
    const first = decisionOf(await rulesAgent().process({ type: "recommend_treatment", ...context }));
    const previous: TreatmentDecision = { ...first, policy: "llm", alternatives: [] };
    const model = forbiddenModel();
    const next = decisionOf(await createTreatmentAgent({ catalog: testCatalog, model }).process({ type: "find_alternative_treatment", exclude: [first.treatmentKey], previous, ...context }));
    expect(model.calls).toHaveLength(0);
    expect(next.policy).toBe("rules");
    expect(next.treatmentKey).toBe(first.alternatives[0]!.treatmentKey);
    expect(next.notes[0]).toMatch(/the rules rank the remaining options/);
  });

  test.each<[string, (first: TreatmentDecision) => TreatmentDecision, RegExp]>([
    ["taken from its ranked alternatives", (first) => first, /^Taken from the ranked alternatives of the earlier decision/],
    ["ranked again by the rules once its alternatives are used up", (first) => ({ ...first, alternatives: [] }), /the rules rank the remaining options/],
  ])("an alternative %s keeps the earlier decision's notes about the refused model answers first", async (_title, previousOf, newNote) => {
    const context = complainerContext();
    const first = decisionOf(await createTreatmentAgent({ catalog: testCatalog, model: unusableModel() }).process({ type: "recommend_treatment", ...context }));
    expect(first.policy).toBe("rules");
    expect(first.notes.join(" ")).toMatch(/Model answer 1 was rejected.*Decided by the rules after 2 unusable model answers/);

    const previous = previousOf(first);
    const model = forbiddenModel();
    const next = decisionOf(await createTreatmentAgent({ catalog: testCatalog, model }).process({ type: "find_alternative_treatment", exclude: [first.treatmentKey], previous, ...context }));
    expect(model.calls).toHaveLength(0);
    expect(next.treatmentKey).not.toBe(first.treatmentKey);
    expect(next.notes.slice(0, first.notes.length)).toEqual(first.notes);
    expect(next.notes[first.notes.length]).toMatch(newNote);
    expectCompliantFor(next, context);
  });

  test("with every option excluded, even no action, answers no_eligible_treatment", async () => {
    const response = await rulesAgent().process({ type: "find_alternative_treatment", exclude: testCatalog.map((t) => t.key), ...complainerContext() });
    expect(response).toMatchObject({ ok: false, type: "find_alternative_treatment", error: { code: "no_eligible_treatment" } });
  });
});

describe("domain failures are values with a specific code", () => {
  const everything = testCatalog.map((t) => t.key);
  const withoutNoAction = testCatalog.filter((t) => !t.isNoAction);
  test.each<[string, string, () => Promise<TreatmentAgentResponse>]>([
    ["the model agent with every option excluded", "no_eligible_treatment", () => createTreatmentAgent({ catalog: testCatalog, model: forbiddenModel() }).process({ type: "find_alternative_treatment", exclude: everything, ...complainerContext() })],
    [
      "an earlier decision whose alternatives and the rest of the catalog are all set aside",
      "no_eligible_treatment",
      () => createTreatmentAgent({ catalog: testCatalog, model: forbiddenModel() }).process({ type: "find_alternative_treatment", exclude: everything, previous: decideByRulesOrThrow(), ...complainerContext() }),
    ],
    ["a catalog without no action for a customer nobody may contact", "no_eligible_treatment", () => createTreatmentAgent({ catalog: withoutNoAction, model: forbiddenModel() }).process({ type: "recommend_treatment", ...noRecordContext() })],
    ["a message of another customer's analysis", "invalid_message", () => createTreatmentAgent({ catalog: testCatalog, model: forbiddenModel() }).process({ type: "recommend_treatment", ...complainerContext(), analysis: { ...complainerContext().analysis, customerId: "cust-999" } })],
  ])("%s answers %s without asking the model", async (_title, code, run) => {
    const response = await run();
    if (response.ok) throw new Error(`expected a failure, got ${response.data.treatmentKey}`);
    expect(response.error.code).toBe(code);
    expect(response.error.reason.length).toBeGreaterThan(20);
    expect(JSON.parse(JSON.stringify(response))).toEqual(response);
  });
});

describe("message checks", () => {
  test.each<[string, unknown]>([
    ["a message without a type", { customerId: "cust-001" }],
    ["a string", "recommend_treatment"],
    ["null", null],
    ["an unknown type", { type: "cancel_treatment" }],
    ["an inherited name", { type: "toString" }],
  ])("answers unknown_message_type for %s", async (_title, message) => {
    const response = await rulesAgent().process(message as TreatmentAgentMessage);
    expect(response).toMatchObject({ ok: false, error: { code: "unknown_message_type" } });
  });

  const base = complainerContext();
  test.each<[string, Record<string, unknown>, RegExp]>([
    ["a missing customer", { ...base, customer: undefined }, /customer/],
    ["a churn risk above 1", { ...base, analysis: { ...base.analysis, metrics: { ...base.analysis.metrics, churnRisk: 2 } } }, /analysis\.metrics\.churnRisk/],
    ["a time that is not ISO", { ...base, now: "yesterday" }, /now: must be an ISO time/],
    ["an unknown value tier", { ...base, customer: { ...base.customer, valueTier: "gold" } }, /customer\.valueTier/],
    ["an unknown channel", { ...base, permissions: { ...base.permissions, channels: [{ channel: "pigeon", marketing: true }] } }, /permissions\.channels\.0\.channel/],
    ["an analysis of another customer", { ...base, analysis: { ...base.analysis, customerId: "cust-999" } }, /analysis\.customerId: is cust-999/],
    ["a summary of another customer", { ...base, summary: { ...base.summary, customerId: "cust-999" } }, /summary\.customerId/],
  ])("recommend_treatment answers invalid_message for %s", async (_title, fields, problem) => {
    const response = await rulesAgent().process({ type: "recommend_treatment", ...fields } as TreatmentAgentMessage);
    expect(response).toMatchObject({ ok: false, type: "recommend_treatment", error: { code: "invalid_message" } });
    expect(!response.ok && response.error.reason).toMatch(problem);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ["exclude that is not a list", { exclude: "service_call_back" }, /exclude/],
    ["exclude with a number", { exclude: [7] }, /exclude\.0/],
    ["a previous decision without alternatives", { exclude: [], previous: { treatmentKey: "service_call_back", policy: "rules" } }, /previous\.(evidence|alternatives)/],
    ["a previous decision of an unknown policy", { exclude: [], previous: { ...decideByRulesOrThrow(), policy: "magic" } }, /previous\.policy/],
  ])("find_alternative_treatment answers invalid_message for %s", async (_title, fields, problem) => {
    const response = await rulesAgent().process({ type: "find_alternative_treatment", ...base, ...fields } as TreatmentAgentMessage);
    expect(response).toMatchObject({ ok: false, type: "find_alternative_treatment", error: { code: "invalid_message" } });
    expect(!response.ok && response.error.reason).toMatch(problem);
  });

  test("messages round-trip through JSON unchanged in meaning", async () => {
    const context = makeContext({ permissions: makePermissions({ marketing: ["email"] }) });
    const message = JSON.parse(JSON.stringify({ type: "recommend_treatment", ...context })) as TreatmentAgentMessage;
    const decision = decisionOf(await rulesAgent().process(message));
    expect(JSON.parse(JSON.stringify(decision))).toEqual(decision);
    expectCompliantFor(decision, context);
  });
});

function decideByRulesOrThrow(): TreatmentDecision {
  const result = decideByRules({ catalog: testCatalog, ...complainerContext() });
  if (!result.ok) throw new Error(result.reason);
  return result.decision;
}
