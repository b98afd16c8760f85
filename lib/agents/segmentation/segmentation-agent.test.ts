import { describe, expect, test } from "vitest";
import type { PatternKey } from "../domain";
import { seededRandom } from "./kmeans";
import type { SegmentCustomer, SegmentFeature, SegmentProfile, SegmentationAgentResponse, SegmentationResult } from "./messages";
import { segmentFeatures } from "./messages";
import { createSegmentationAgent } from "./segmentation-agent";

const agent = createSegmentationAgent();

type Group = "loyal_high_value" | "falling_price_minded" | "new_midrange";

/** Three groups far apart on value, risk, usage and tenure, each with a little seeded noise. */
function syntheticCustomers(perGroup: number, noiseSeed = 99): { customers: SegmentCustomer[]; groupOf: Map<string, Group> } {
  const random = seededRandom(noiseSeed);
  const jitter = (scale: number) => (random() - 0.5) * scale;
  const centres: Record<Group, Omit<SegmentCustomer, "customerId">> = {
    loyal_high_value: { churnRisk: 0.1, lifetimeValue: 6000, monthlyRevenue: 85, tenureMonths: 72, revenueTrend: 0.02, usageTrend: 0.1, complaintsLast90Days: 0, patterns: ["loyal_quiet"] },
    falling_price_minded: { churnRisk: 0.75, lifetimeValue: 250, monthlyRevenue: 18, tenureMonths: 30, revenueTrend: -0.2, usageTrend: -0.55, complaintsLast90Days: 3, patterns: ["declining_usage", "price_sensitive"] },
    new_midrange: { churnRisk: 0.35, lifetimeValue: 1200, monthlyRevenue: 40, tenureMonths: 3, revenueTrend: 0.25, usageTrend: 0.3, complaintsLast90Days: 0, patterns: [] },
  };
  const customers: SegmentCustomer[] = [];
  const groupOf = new Map<string, Group>();
  (Object.keys(centres) as Group[]).forEach((group, g) => {
    const c = centres[group];
    for (let i = 0; i < perGroup; i++) {
      const customerId = `CUS-${g}-${String(i).padStart(4, "0")}`;
      groupOf.set(customerId, group);
      customers.push({
        customerId,
        churnRisk: Math.min(1, Math.max(0, c.churnRisk + jitter(0.1))),
        lifetimeValue: c.lifetimeValue * (1 + jitter(0.2)),
        monthlyRevenue: c.monthlyRevenue + jitter(4),
        tenureMonths: Math.max(0, Math.round(c.tenureMonths + jitter(6))),
        revenueTrend: c.revenueTrend! + jitter(0.05),
        usageTrend: c.usageTrend! + jitter(0.1),
        complaintsLast90Days: c.complaintsLast90Days,
        patterns: c.patterns,
      });
    }
  });
  return { customers, groupOf };
}

async function segment(message: Record<string, unknown>): Promise<SegmentationResult> {
  const response = await agent.process({ type: "segment_customers", ...message } as never);
  if (!response.ok || response.type !== "segment_customers") throw new Error(JSON.stringify(response));
  return response.data as SegmentationResult;
}

describe("segment_customers", () => {
  const { customers, groupOf } = syntheticCustomers(150);

  test.each([1, 7, 2024])("finds the same segments twice for seed %i, whatever the order customers arrive in", async (seed) => {
    const first = await segment({ customers, seed });
    const again = await segment({ customers, seed });
    const reversed = await segment({ customers: [...customers].reverse(), seed });
    expect(again).toEqual(first);
    expect(reversed).toEqual(first);
  });

  test.each([1, 7, 2024])("recovers three well-separated groups exactly with seed %i, k chosen by silhouette", async (seed) => {
    const result = await segment({ customers, seed });
    expect(result.k).toBe(3);
    expect(result.criterion).toMatch(/silhouette/);
    expect(result.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const bestScore = Math.max(...result.scores.map((s) => s.silhouette));
    expect(result.scores.find((s) => s.k === 3)!.silhouette).toBe(bestScore);
    const membersOf = new Map<number, Set<Group>>();
    for (const a of result.assignments) {
      const groups = membersOf.get(a.segment) ?? new Set<Group>();
      groups.add(groupOf.get(a.customerId)!);
      membersOf.set(a.segment, groups);
    }
    expect([...membersOf.values()].map((g) => g.size)).toEqual([1, 1, 1]);
    expect(result.segments.map((s) => s.size)).toEqual([150, 150, 150]);
  });

  test.each([
    { k: 2, title: "keeps 2 segments when k = 2 is asked for" },
    { k: 5, title: "keeps 5 segments when k = 5 is asked for, more than the data shows" },
  ])("$title", async ({ k }) => {
    const result = await segment({ customers, seed: 3, k });
    expect(result.k).toBe(k);
    expect(result.scores).toEqual([]);
    expect(result.segments).toHaveLength(k);
    expect(result.segments.reduce((n, s) => n + s.size, 0)).toBe(customers.length);
  });

  test("numbers segments largest first", async () => {
    const uneven = [...customers.slice(0, 150), ...customers.slice(150, 200), ...customers.slice(300, 400)];
    const result = await segment({ customers: uneven, seed: 5, k: 3 });
    expect(result.segments.map((s) => s.size)).toEqual([150, 100, 50]);
  });

  test("profiles a segment in its members' units and shares of patterns", async () => {
    const result = await segment({ customers, seed: 11 });
    const falling = result.segments.find((s) => s.patternShares.declining_usage === 1)!;
    expect(falling.churnRisk).toBeCloseTo(0.75, 1);
    expect(falling.means.usageTrend).toBeCloseTo(-0.55, 1);
    expect(falling.means.priceSensitive).toBe(1);
    expect(falling.standardised.usageTrend).toBeLessThan(-1);
    expect(falling.share).toBeCloseTo(1 / 3, 5);
  });
});

function profile(standardised: Partial<Record<SegmentFeature, number>>, extra: Partial<SegmentProfile> = {}): SegmentProfile {
  const zero = Object.fromEntries(segmentFeatures.map((f) => [f, 0])) as Record<SegmentFeature, number>;
  return { index: 0, size: 312, share: 0.1, churnRisk: 0.48, lifetimeValue: 2000, means: zero, standardised: { ...zero, ...standardised }, patternShares: {}, ...extra };
}

describe("describe_segment", () => {
  test.each([
    {
      title: "names the three strongest traits, value first when it is furthest from everyone",
      segment: profile({ lifetimeValue: 1.6, usageTrend: -1.2, priceSensitive: 0.9, tenureMonths: 0.6 }),
      description: "High value, usage falling, price-minded: 312 customers, churn risk 48%",
    },
    {
      title: "says value once when spend sets the segment apart too",
      segment: profile({ monthlyRevenue: 1.4, lifetimeValue: 1.2, churnRisk: -0.8 }, { size: 1, churnRisk: 0.05 }),
      description: "Big spenders, settled: 1 customer, churn risk 5%",
    },
    {
      title: "ignores a trait under half a standard deviation from everyone",
      segment: profile({ churnRisk: 0.49, tenureMonths: -0.7 }, { size: 12_500 }),
      description: "New: 12,500 customers, churn risk 48%",
    },
    {
      title: "calls a segment with nothing apart typical",
      segment: profile({ churnRisk: 0.2, usageTrend: -0.3 }),
      description: "Typical customers: 312 customers, churn risk 48%",
    },
    {
      title: "leaves unsaid that a segment complains less than everyone",
      segment: profile({ complaintsLast90Days: -0.9, revenueTrend: 0.7 }),
      description: "Bills rising: 312 customers, churn risk 48%",
    },
  ])("$title", async ({ segment, description }) => {
    const response = await agent.process({ type: "describe_segment", segment });
    expect(response.ok && response.type === "describe_segment" && response.data.description).toBe(description);
  });

  test("describes found segments by what the data put in them", async () => {
    const { customers } = syntheticCustomers(100);
    const result = await segment({ customers, seed: 1 });
    const names = await Promise.all(result.segments.map(async (segment) => {
      const response = await agent.process({ type: "describe_segment", segment });
      return response.ok && response.type === "describe_segment" ? response.data.name : "";
    }));
    expect(names).toEqual(expect.arrayContaining([expect.stringMatching(/usage falling/), expect.stringMatching(/long-standing/), expect.stringMatching(/\bnew\b/i)]));
  });
});

describe("assign_segment", () => {
  const { customers, groupOf } = syntheticCustomers(100);

  test.each<{ title: string; customer: Partial<SegmentCustomer>; group: Group }>([
    { title: "places a valuable long-standing customer with the loyal group", customer: { churnRisk: 0.12, lifetimeValue: 5500, monthlyRevenue: 80, tenureMonths: 80, usageTrend: 0.05, patterns: [] }, group: "loyal_high_value" },
    { title: "places a customer whose usage falls with the price-minded group", customer: { churnRisk: 0.7, lifetimeValue: 300, monthlyRevenue: 20, tenureMonths: 25, usageTrend: -0.5, revenueTrend: -0.1, complaintsLast90Days: 2, patterns: ["price_sensitive" as PatternKey] }, group: "falling_price_minded" },
    { title: "places a customer of three months with the new group", customer: { churnRisk: 0.3, lifetimeValue: 1100, monthlyRevenue: 42, tenureMonths: 2, usageTrend: null, revenueTrend: null, patterns: [] }, group: "new_midrange" },
  ])("$title", async ({ customer, group }) => {
    const result = await segment({ customers, seed: 8 });
    const expected = result.assignments.find((a) => groupOf.get(a.customerId) === group)!.segment;
    const base: SegmentCustomer = { customerId: "CUS-NEW", churnRisk: 0.5, lifetimeValue: 1000, monthlyRevenue: 30, tenureMonths: 12, revenueTrend: 0, usageTrend: 0, complaintsLast90Days: 0, patterns: [] };
    const response = await agent.process({ type: "assign_segment", model: result.model, customer: { ...base, ...customer } });
    expect(response.ok && response.type === "assign_segment" && response.data.segment).toBe(expected);
  });

  test("places every segmented customer where segmentation put them", async () => {
    const result = await segment({ customers, seed: 8 });
    for (const c of customers.filter((_, i) => i % 17 === 0)) {
      const response = await agent.process({ type: "assign_segment", model: result.model, customer: c });
      expect(response.ok && response.type === "assign_segment" && response.data.segment).toBe(result.assignments.find((a) => a.customerId === c.customerId)!.segment);
    }
  });
});

describe("bad input", () => {
  const { customers } = syntheticCustomers(5);
  const one = customers[0]!;
  const model = { features: [...segmentFeatures], means: segmentFeatures.map(() => 0), scales: segmentFeatures.map(() => 1), centroids: [segmentFeatures.map(() => 0)] };

  test.each<{ title: string; message: unknown; reason: RegExp }>([
    { title: "refuses segmenting without a seed", message: { type: "segment_customers", customers }, reason: /seed/ },
    { title: "refuses a fractional seed", message: { type: "segment_customers", customers, seed: 1.5 }, reason: /seed/ },
    { title: "refuses 2 customers, fewer than the smallest k needs", message: { type: "segment_customers", customers: customers.slice(0, 2), seed: 1 }, reason: /customers/ },
    { title: "refuses k = 15 for 15 customers", message: { type: "segment_customers", customers, seed: 1, k: 15 }, reason: /cannot form 15 segments/ },
    { title: "refuses k = 1", message: { type: "segment_customers", customers, seed: 1, k: 1 }, reason: /k/ },
    { title: "refuses k and kRange together", message: { type: "segment_customers", customers, seed: 1, k: 3, kRange: { min: 2, max: 4 } }, reason: /not both/ },
    { title: "refuses a kRange whose min exceeds its max", message: { type: "segment_customers", customers, seed: 1, kRange: { min: 5, max: 3 } }, reason: /kRange/ },
    { title: "refuses a customer twice", message: { type: "segment_customers", customers: [...customers, one], seed: 1 }, reason: /appears twice/ },
    { title: "refuses a churn risk above 1", message: { type: "segment_customers", customers: [{ ...one, churnRisk: 1.2 }, ...customers.slice(1)], seed: 1 }, reason: /churnRisk/ },
    { title: "refuses an unknown pattern", message: { type: "segment_customers", customers: [{ ...one, patterns: ["grumpy"] }, ...customers.slice(1)], seed: 1 }, reason: /patterns/ },
    { title: "refuses a revenue that is not a number", message: { type: "segment_customers", customers: [{ ...one, monthlyRevenue: "30" }, ...customers.slice(1)], seed: 1 }, reason: /monthlyRevenue/ },
    { title: "refuses describing without a segment", message: { type: "describe_segment" }, reason: /segment/ },
    { title: "refuses a segment missing a feature's distance", message: { type: "describe_segment", segment: { ...profile({}), standardised: { churnRisk: 1 } } }, reason: /standardised/ },
    { title: "refuses assigning without a model", message: { type: "assign_segment", customer: one }, reason: /model/ },
    { title: "refuses a model whose centroid misses a feature", message: { type: "assign_segment", model: { ...model, centroids: [[0, 0]] }, customer: one }, reason: /centroid/ },
    { title: "refuses a model with a zero scale", message: { type: "assign_segment", model: { ...model, scales: model.scales.map(() => 0) }, customer: one }, reason: /scales/ },
    { title: "refuses assigning a customer without an id", message: { type: "assign_segment", model, customer: { ...one, customerId: "" } }, reason: /customerId/ },
  ])("$title", async ({ message, reason }) => {
    const response = (await agent.process(message as never)) as SegmentationAgentResponse;
    expect(response.ok).toBe(false);
    if (!response.ok) {
      expect(response.error.code).toBe("invalid_message");
      expect(response.error.reason).toMatch(reason);
    }
  });

  test.each([
    { title: "answers a message type it does not handle with a typed error", message: { type: "merge_segments" } },
    { title: "answers a message without a type with a typed error", message: { customers } },
  ])("$title", async ({ message }) => {
    const response = (await agent.process(message as never)) as SegmentationAgentResponse;
    expect(!response.ok && response.error.code).toBe("unknown_message_type");
  });
});
