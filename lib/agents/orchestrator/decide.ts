// Steps 1–4 for one customer: data → journey → permissions → recommendation. Nothing here touches
// capacity, so deciding can run anywhere (many at once, or on worker threads) and hand back JSON.
import type { JourneyAnalysis, PolicyKind, TreatmentDecision, TreatmentDefinition } from "../domain";
import type { DataAgentMessage, DataAgentResponse, JourneyAgentMessage, JourneyAgentResponse, TreatmentAgentMessage, TreatmentAgentResponse, TreatmentContext } from "../messages";
import type { Agent } from "../protocol";
import { contactHistoryOf } from "../rules/contact-history";
import { isHighValueTier } from "../rules/value-tier";
import type { TraceStep } from "./messages";
import { traced } from "./trace";

/** What deciding one customer needs: the agents of steps 1–4. */
export type DeciderDeps = {
  data: Agent<DataAgentMessage, DataAgentResponse>;
  journey: Agent<JourneyAgentMessage, JourneyAgentResponse>;
  treatment: Agent<TreatmentAgentMessage, TreatmentAgentResponse>;
  policy: PolicyKind;
  /** The catalog the treatment agent decides over: it gives our past decisions their channel and goal in the contact history. */
  catalog: readonly TreatmentDefinition[];
  clock?: () => Date;
  /** Makes recommendation ids (tests pass a deterministic one). */
  newId?: () => string;
};

/** A customer whose recommendation is decided, waiting for capacity. */
export type Decided = {
  kind: "decided";
  id: string;
  customerId: string;
  context: TreatmentContext;
  decision: TreatmentDecision;
  trace: TraceStep[];
  /** GBP of lifetime value at risk: churn risk × lifetime value. */
  priority: number;
  isHighValue: boolean;
  /**
   * Better options a run's plan set aside for capacity: the fallback chain starts below them, and
   * each keeps its sentence and its units' price (GBP) in the decision's why-not.
   */
  setAside?: { keys: string[]; reasons: Record<string, string>; prices: Record<string, number> };
};
export type Failed = { kind: "failed"; id: string; customerId: string; reason: string; trace: TraceStep[]; policy: PolicyKind };
export type Missing = { kind: "missing"; customerId: string };
/** One customer after steps 1–4; plain JSON, so it can cross a thread boundary. */
export type Outcome = Decided | Failed | Missing;

/** Steps 1–4 for one customer at a time: everything up to the first recommendation. */
export function createDecider(deps: DeciderDeps): { decide(customerId: string): Promise<Outcome> } {
  const now = deps.clock ?? (() => new Date());
  const newId = deps.newId ?? (() => crypto.randomUUID());

  async function decide(customerId: string): Promise<Outcome> {
    const trace: TraceStep[] = [];
    const id = newId();
    try {
      const data = await traced(trace, deps.data, { type: "get_customer_data", customerId }, now);
      if (!data.ok || data.type !== "get_customer_data") {
        if (!data.ok && data.error.code === "not_found") return { kind: "missing", customerId };
        return { kind: "failed", id, customerId, reason: data.ok ? "Unexpected data response" : data.error.reason, trace, policy: deps.policy };
      }
      const { isFromCache: _cached, ...customerData } = data.data;
      const journey = await traced(trace, deps.journey, { type: "build_journey", data: customerData }, now);
      if (!journey.ok || journey.type !== "build_journey") return failedFrom(journey, { id, customerId, trace });
      const asOf = now().toISOString();
      const analysis = await traced(trace, deps.journey, { type: "analyze_journey", journey: journey.data, profile: customerData.profile, asOf }, now);
      if (!analysis.ok || analysis.type !== "analyze_journey") return failedFrom(analysis, { id, customerId, trace });
      const summary = await traced(trace, deps.journey, { type: "summarize_journey", journey: journey.data, analysis: analysis.data, profile: customerData.profile }, now);
      if (!summary.ok || summary.type !== "summarize_journey") return failedFrom(summary, { id, customerId, trace });
      const permissions = customerData.permissions;
      trace.push({
        agent: "orchestrator",
        type: "read_permissions",
        message: { customerId },
        response: permissions.hasRecord ? permissions : { hasRecord: false, note: "No permission record: no marketing contact on any channel" },
        startedAt: now().toISOString(),
        durationMs: 0,
      });
      const context: TreatmentContext = {
        customer: customerData.profile,
        analysis: analysis.data,
        summary: summary.data,
        permissions,
        now: now().toISOString(),
        contactHistory: contactHistoryOf(customerData, deps.catalog),
      };
      const recommended = await traced(trace, deps.treatment, { type: "recommend_treatment", ...context }, now);
      if (!recommended.ok || recommended.type !== "recommend_treatment") return failedFrom(recommended, { id, customerId, trace });
      return { kind: "decided", id, customerId, context, decision: recommended.data, trace, ...priorityOf(analysis.data) };
    } catch (err) {
      return { kind: "failed", id, customerId, reason: `Internal error: ${(err as Error).message}`, trace, policy: deps.policy };
    }
  }

  function failedFrom(response: { ok: boolean; error?: { reason: string } }, ctx: { id: string; customerId: string; trace: TraceStep[] }): Failed {
    return { kind: "failed", ...ctx, reason: response.error?.reason ?? "Unexpected response", policy: deps.policy };
  }

  return { decide };
}

/** High-value means the high or premium tier; priority is the GBP of lifetime value at risk. */
function priorityOf(analysis: JourneyAnalysis): { priority: number; isHighValue: boolean } {
  const m = analysis.metrics;
  return { priority: Math.round(m.churnRisk * m.lifetimeValue * 100) / 100, isHighValue: isHighValueTier(m.valueTier) };
}
