import { describe, expect, test } from "vitest";
import { usePoolPerTest } from "../../database/testing";
import { loadCatalog } from "../../pipeline/catalog";
import { createCustomerCache } from "../../pipeline/customer-cache";
import { createPgCustomerSource } from "../../pipeline/customer-source";
import { createPgCapacityStore } from "../../pipeline/pg-capacity-store";
import { insertCatalog, insertCustomers, insertPermissions, insertRun } from "../../pipeline/testing/fixtures";
import { createDataAgent } from "../data/data-agent";
import { createJourneyAgent } from "../journey/journey-agent";
import type { JourneyAgentMessage, JourneyAgentResponse, TreatmentAgentMessage, TreatmentAgentResponse } from "../messages";
import { type Agent, fail } from "../protocol";
import { createTreatmentAgent } from "../treatment/treatment-agent";
import { createOrchestrator } from "./index";

describe("an earlier hold given back for a newer decision that then fails", () => {
  const t = usePoolPerTest();

  const one = async <T>(sql: string, params: unknown[] = []) => (await t.pool.query(sql, params)).rows[0] as T;

  /**
   * Two call slots, one of them reserved for high-value customers. `earlier` holds a general slot;
   * a second run decides `earlier` again (an SMS with no quota and no alternative: it fails) together
   * with `rival`, whose greater value at risk serves it first and takes the general slot that the
   * release freed. Only the reserve is left when the earlier hold is taken back.
   */
  async function scenario(earlierTier: "medium" | "premium") {
    await insertCatalog(t.db.url, { limits: { call_slots: 2, sms_quota: 0 }, reserves: { call_slots: 1 } });
    // Every second customer is premium: T-0002 is the premium one.
    const [medium, premium, rival] = await insertCustomers(t.db.url, { count: 3, highValueEvery: 2 });
    const earlier = earlierTier === "premium" ? premium! : medium!;
    await insertPermissions(t.db.url, [earlier, rival!]);
    const catalog = await loadCatalog(t.pool);
    const rules = createTreatmentAgent({ catalog, model: null });
    const journeyAgent = createJourneyAgent();
    const orchestrator = (opts: { treatment: Agent<TreatmentAgentMessage, TreatmentAgentResponse>; journey: Agent<JourneyAgentMessage, JourneyAgentResponse> }) =>
      createOrchestrator({
        data: createDataAgent({ source: createPgCustomerSource(t.pool), cache: createCustomerCache() }),
        capacity: createPgCapacityStore(t.pool),
        catalog,
        progress: { report: async () => ({ isCancelRequested: false }) },
        policy: "rules",
        concurrency: 1,
        ...opts,
      });

    const firstRun = await insertRun(t.db.url);
    await orchestrator({ treatment: rules, journey: journeyAgent }).process({ type: "process_customer", runId: firstRun, customerId: earlier });
    const held = await one<{ id: string; treatmentKey: string }>(`SELECT id, "treatmentKey" FROM "Recommendation" WHERE "runId" = $1`, [firstRun]);
    expect(held.treatmentKey).toBe("retention_call");
    expect(await one(`SELECT used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`)).toEqual({ used: 1, held: 1 });

    const failing: Agent<TreatmentAgentMessage, TreatmentAgentResponse> = {
      name: "treatment",
      async process(message) {
        if (message.customer.id !== earlier) return rules.process(message);
        if (message.type === "find_alternative_treatment") return fail(message.type, "no_eligible_treatment", "nothing else is allowed") as TreatmentAgentResponse;
        const response = await rules.process(message);
        return response.ok && response.type === "recommend_treatment" ? { ...response, data: { ...response.data, treatmentKey: "retention_sms", isNoAction: false } } : response;
      },
    };
    const rivalFirst: Agent<JourneyAgentMessage, JourneyAgentResponse> = {
      name: "journey",
      async process(message) {
        const response = await journeyAgent.process(message);
        if (message.type !== "analyze_journey" || message.profile.id !== rival || !response.ok || response.type !== "analyze_journey") return response;
        return { ...response, data: { ...response.data, metrics: { ...response.data.metrics, churnRisk: 1, lifetimeValue: 1_000_000 } } };
      },
    };
    const secondRun = await insertRun(t.db.url);
    const response = await orchestrator({ treatment: failing, journey: rivalFirst }).process({ type: "process_run", runId: secondRun, customerIds: [earlier, rival!] });
    expect(response.ok && response.data).toMatchObject({ byStatus: { failed: 1, pending_review: 1 }, supersededEarlier: 0 });
    expect(await one(`SELECT status::text, "treatmentKey" FROM "Recommendation" WHERE "runId" = $1 AND "customerId" = $2`, [secondRun, rival])).toEqual({ status: "pending_review", treatmentKey: "retention_call" });
    return { earlierId: held.id };
  }

  test.each([
    { tier: "medium" as const, title: "a medium-tier customer's hold is not taken back into the high-value reserve", history: ["held", "released"], usedReserve: [false], calls: { used: 1, held: 1 } },
    { tier: "premium" as const, title: "a premium customer's hold is taken back from the high-value reserve", history: ["held", "released", "held"], usedReserve: [false, true], calls: { used: 2, held: 2 } },
  ])("$title", async ({ tier, history, usedReserve, calls }) => {
    const { earlierId } = await scenario(tier);
    // Either way the earlier recommendation keeps waiting for review; only the hold depends on the reserve.
    expect(await one(`SELECT status::text, "supersededById" FROM "Recommendation" WHERE id = $1`, [earlierId])).toEqual({ status: "pending_review", supersededById: null });
    const rows = await t.pool.query<{ outcome: string; usedReserve: boolean }>(`SELECT outcome::text, "usedReserve" FROM "Allocation" WHERE "recommendationId" = $1 ORDER BY id`, [earlierId]);
    expect(rows.rows.map((r) => r.outcome)).toEqual(history);
    expect(rows.rows.filter((r) => r.outcome === "held").map((r) => r.usedReserve)).toEqual(usedReserve);
    expect(await one(`SELECT used, held FROM "ResourceConstraint" WHERE key = 'call_slots'`)).toEqual(calls);
  });
});
