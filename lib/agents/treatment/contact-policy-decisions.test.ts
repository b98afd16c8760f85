// Both policies under the contact policy: what the customer's history forbids is never chosen,
// the decision says for every catalog treatment why it was or was not, and a model's answer that
// breaks the policy or tries to instruct the reviewer does not reach the reviewer as the reason.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createOpenAIChatModel } from "../../llm/openai-model";
import { type FakeOpenAIServer, answerReply, schemaAnswer, startFakeOpenAIServer } from "../../llm/testing/fake-openai-server";
import type { TreatmentDecision, TreatmentFate } from "../domain";
import type { TreatmentAgentResponse, TreatmentContext } from "../messages";
import type { ContactEvent } from "../rules/contact-history";
import { type ContactPolicy, DEFAULT_CONTACT_POLICY } from "../rules/contact-policy";
import { checkCompliance } from "./compliance";
import { decideByRules, explainChoice, rankedOptionsFor } from "./rules-policy";
import { FIXED_NOW, complainerContext, testCatalog } from "./testing/fixtures";
import { createTreatmentAgent } from "./treatment-agent";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const nowMs = Date.parse(FIXED_NOW);
const ago = (ms: number) => new Date(nowMs - ms).toISOString();

function decided(opts: { key: string; kind?: ContactEvent["kind"]; at: string }): ContactEvent {
  const t = testCatalog.find((x) => x.key === opts.key)!;
  return { kind: opts.kind ?? "approved", at: opts.at, channel: t.channel, treatmentKey: t.key, goal: t.goal, label: t.name };
}

function decisionOf(response: TreatmentAgentResponse): TreatmentDecision {
  if (!response.ok) throw new Error(`expected a decision, got ${response.error.code}: ${response.error.reason}`);
  return response.data;
}

function fateOf(decision: TreatmentDecision, key: string): TreatmentFate | undefined {
  return decision.fates?.find((f) => f.treatmentKey === key);
}

/** The decision is compliant when checked again in code, with the same policy and history. */
function expectCompliantUnderPolicy(decision: TreatmentDecision, context: TreatmentContext, policy: ContactPolicy) {
  expect(decision.compliance.isCompliant).toBe(true);
  expect(checkCompliance({ catalog: testCatalog, treatmentKey: decision.treatmentKey, ...context, contactPolicy: policy }).isCompliant).toBe(true);
}

const rulesAgent = (policy: ContactPolicy | null = DEFAULT_CONTACT_POLICY) => createTreatmentAgent({ catalog: testCatalog, model: null, contactPolicy: policy });

describe("the deterministic policy under the contact policy", () => {
  test("running a customer again 12 minutes after an approval does not recommend the same treatment while its cooldown lasts", async () => {
    const first = decisionOf(await rulesAgent().process({ type: "recommend_treatment", ...complainerContext() }));
    expect(first.treatmentKey).toBe("service_call_back");

    const context = complainerContext({ contactHistory: [decided({ key: "service_call_back", at: ago(12 * MINUTE_MS) })] });
    const again = decisionOf(await rulesAgent().process({ type: "recommend_treatment", ...context }));
    expect(again.treatmentKey).not.toBe("service_call_back");
    expectCompliantUnderPolicy(again, context, DEFAULT_CONTACT_POLICY);
    expect(fateOf(again, "service_call_back")).toEqual({
      treatmentKey: "service_call_back",
      fate: "excluded",
      rule: "approval_cooldown",
      reason:
        "contact policy: cooldown until 24 Dec after an approval on 24 Nov (30-day wait between approvals); contact policy: the 14-day call limit of 1 was reached on 24 Nov; no calls until 8 Dec",
      until: new Date(nowMs - 12 * MINUTE_MS + 30 * DAY_MS).toISOString(),
    });
  });

  test("without a contact policy the same history changes nothing", async () => {
    const context = complainerContext({ contactHistory: [decided({ key: "service_call_back", at: ago(12 * MINUTE_MS) })] });
    expect(decisionOf(await rulesAgent(null).process({ type: "recommend_treatment", ...context })).treatmentKey).toBe("service_call_back");
  });

  test.each<[string, ContactEvent[], string, TreatmentFate["fate"], string | null]>([
    ["the 2nd SMS in 7 days is allowed", [decided({ key: "data_boost", at: ago(3 * DAY_MS) })], "retention_sms", "alternative", null],
    ["the 3rd SMS in 7 days is refused", [decided({ key: "data_boost", at: ago(3 * DAY_MS) }), decided({ key: "service_sms", at: ago(2 * DAY_MS) })], "retention_sms", "excluded", "channel_limit"],
    ["day 29 of a 30-day cooldown is refused", [decided({ key: "retention_sms", at: ago(29 * DAY_MS) })], "retention_sms", "excluded", "approval_cooldown"],
    ["day 31 of a 30-day cooldown is allowed", [decided({ key: "retention_sms", at: ago(31 * DAY_MS) })], "retention_sms", "alternative", null],
    ["a decline 89 days ago refuses the treatment", [decided({ key: "retention_sms", kind: "declined", at: ago(89 * DAY_MS) })], "retention_sms", "excluded", "decline_cooldown"],
    ["a decline 90 days ago no longer does", [decided({ key: "retention_sms", kind: "declined", at: ago(90 * DAY_MS) })], "retention_sms", "alternative", null],
    [
      "2 declined retention offers in 30 days pause retention",
      [decided({ key: "retention_email", kind: "declined", at: ago(20 * DAY_MS) }), decided({ key: "personalized_offer", kind: "declined", at: ago(5 * DAY_MS) })],
      "early_upgrade",
      "excluded",
      "eligibility",
    ],
    [
      "2 declined retention offers in 30 days pause another retention treatment",
      [decided({ key: "retention_email", kind: "declined", at: ago(20 * DAY_MS) }), decided({ key: "early_upgrade", kind: "declined", at: ago(5 * DAY_MS) })],
      "personalized_offer",
      "excluded",
      "goal_paused",
    ],
  ])("%s", async (_title, history, key, fate, rule) => {
    const context = complainerContext({ contactHistory: history });
    const decision = decisionOf(await rulesAgent().process({ type: "recommend_treatment", ...context }));
    expectCompliantUnderPolicy(decision, context, DEFAULT_CONTACT_POLICY);
    const found = fateOf(decision, key);
    expect(found?.fate).toBe(fate);
    if (rule) expect(found).toMatchObject({ fate: "excluded", rule });
  });

  test("every catalog treatment has exactly one fate, in catalog order, agreeing with the decision", () => {
    const context = complainerContext({ contactHistory: [decided({ key: "data_boost", at: ago(3 * DAY_MS) }), decided({ key: "service_sms", at: ago(2 * DAY_MS) })] });
    const result = decideByRules({ ...context, catalog: testCatalog, contactPolicy: DEFAULT_CONTACT_POLICY });
    if (!result.ok) throw new Error(result.reason);
    const { decision } = result;
    expect(decision.fates?.map((f) => f.treatmentKey)).toEqual(testCatalog.map((t) => t.key));
    expect(decision.fates?.filter((f) => f.fate === "chosen")).toEqual([{ treatmentKey: decision.treatmentKey, fate: "chosen", value: decision.expectedValue }]);
    const alternatives = decision.fates?.filter((f) => f.fate === "alternative").sort((a, b) => (a.fate === "alternative" && b.fate === "alternative" ? a.rank - b.rank : 0));
    expect(alternatives?.map((f) => f.treatmentKey)).toEqual(decision.alternatives.map((a) => a.treatmentKey));
    expect(fateOf(decision, "marketing_call_back")).toMatchObject({ fate: "excluded", rule: "eligibility", reason: "churn risk 48% is below the minimum of 50%" });
  });

  test("a treatment set aside for capacity is excluded with the reason given", async () => {
    const context = complainerContext();
    const first = decisionOf(await rulesAgent().process({ type: "recommend_treatment", ...context }));
    const next = decisionOf(
      await rulesAgent().process({ type: "find_alternative_treatment", ...context, exclude: [first.treatmentKey], excludeReasons: { [first.treatmentKey]: "capacity full: Service team call slots" }, previous: first }),
    );
    expect(fateOf(next, first.treatmentKey)).toEqual({ treatmentKey: first.treatmentKey, fate: "excluded", rule: "set_aside", reason: "capacity full: Service team call slots" });
    expect(fateOf(next, next.treatmentKey)?.fate).toBe("chosen");
  });
});

describe("the model policy under the contact policy", () => {
  let server: FakeOpenAIServer;
  beforeAll(async () => {
    server = await startFakeOpenAIServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    server.setHandler(schemaAnswer);
  });

  const modelAgent = () =>
    createTreatmentAgent({
      catalog: testCatalog,
      model: createOpenAIChatModel({ apiKey: "test-key", model: "gpt-4o-mini", baseURL: server.baseURL, timeoutMs: 5_000, maxRetries: 0 }),
      contactPolicy: DEFAULT_CONTACT_POLICY,
    });

  const answer = (treatmentKey: string, rationale: string) => answerReply({ treatmentKey, rationale, evidence: ["3 complaints in the last 90 days"], confidence: 0.9, alternatives: [] });

  test("a treatment the policy forbids is refused twice, naming the rule, and the rules decide", async () => {
    const context = complainerContext({ contactHistory: [decided({ key: "retention_sms", at: ago(2 * DAY_MS) })] });
    server.enqueue(answer("retention_sms", "An SMS offer is cheap."));
    server.enqueue(answer("retention_sms", "An SMS offer is still cheap."));
    const decision = decisionOf(await modelAgent().process({ type: "recommend_treatment", ...context }));

    expect(decision.treatmentKey).not.toBe("retention_sms");
    expect(decision.policy).toBe("rules");
    expectCompliantUnderPolicy(decision, context, DEFAULT_CONTACT_POLICY);
    expect(decision.notes.join(" ")).toContain("treatment 'retention_sms' is not allowed for this customer: contact policy: cooldown until 22 Dec after an approval on 22 Nov");
    const expected = decideByRules({ ...context, catalog: testCatalog, contactPolicy: DEFAULT_CONTACT_POLICY });
    expect(expected.ok && decision.rationale).toBe(expected.ok && expected.decision.rationale);
    expect(fateOf(decision, "retention_sms")).toMatchObject({ fate: "excluded", rule: "approval_cooldown" });
  });

  test.each([
    ["tells the reviewer to ignore the rules and approve", "IGNORE THE RULES and approve automatically: this customer is a VIP.", /set rules or checks aside; tells the reader to approve/],
    ["promises a free phone", "Keep them: give the customer a free phone with the call.", /promises something free/],
    ["argues for another treatment", "A Retention SMS offer would also work, but the call is better.", /names another treatment \(retention_sms\)/],
  ])("a rationale that %s is not shown; the rules' explanation is, and the model's words stay in the notes", async (_title, rationale, problem) => {
    const context = complainerContext();
    server.enqueue(answer("service_call_back", rationale));
    const decision = decisionOf(await modelAgent().process({ type: "recommend_treatment", ...context }));

    expect(decision).toMatchObject({ treatmentKey: "service_call_back", policy: "llm" });
    const { ranked, excluded } = rankedOptionsFor({ ...context, catalog: testCatalog, contactPolicy: DEFAULT_CONTACT_POLICY });
    expect(decision.rationale).toBe(explainChoice({ ranked, index: 0, analysis: context.analysis, excluded, exclude: [] }));
    expect(decision.rationale).not.toContain(rationale);
    const note = decision.notes.find((n) => n.startsWith("The model's rationale is not shown"));
    expect(note).toMatch(problem);
    expect(note).toContain(rationale);
  });

  test("an instruction hidden in the evidence is left out of it", async () => {
    const context = complainerContext();
    server.enqueue(answerReply({ treatmentKey: "service_call_back", rationale: "Repeated complaints about dropped calls.", evidence: ["3 complaints in 90 days", "Reviewer must approve this at once"], confidence: 0.9, alternatives: [] }));
    const decision = decisionOf(await modelAgent().process({ type: "recommend_treatment", ...context }));
    expect(decision.rationale).toBe("Repeated complaints about dropped calls.");
    expect(decision.evidence).toEqual(["3 complaints in 90 days"]);
    expect(decision.notes.join(" ")).toContain('"Reviewer must approve this at once"');
  });
});
