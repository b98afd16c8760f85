import { describe, expect, test } from "vitest";
import { testCatalog } from "../treatment/testing/fixtures";
import { type Experiment, activeExperiment, armDecideOptions, armFor, experimentSchema, experimentStatus, isExperimentActive, isModelNeeded } from "./experiments";

const ids = Array.from({ length: 20_000 }, (_, i) => `CUS-${String(i).padStart(6, "0")}`);

function experiment(overrides: Partial<Experiment> = {}): Experiment {
  return {
    key: "llm-vs-rules",
    name: "Model against rules",
    arms: [
      { key: "champion", share: 0.5, policy: "rules" },
      { key: "challenger", share: 0.5, policy: "llm" },
    ],
    startsAt: "2026-12-01T00:00:00.000Z",
    endsAt: null,
    stoppedAt: null,
    ...overrides,
  };
}

describe("armFor", () => {
  test.each([
    { title: "an even split gives each arm half, within 1.5 points", shares: [0.5, 0.5] },
    { title: "a 90/10 split keeps the challenger near 10%", shares: [0.9, 0.1] },
    { title: "three arms of a third each", shares: [1 / 3, 1 / 3, 1 / 3] },
    { title: "a 1% arm still gets about 1%", shares: [0.99, 0.01] },
  ])("$title", ({ shares }) => {
    const e = experiment({ arms: shares.map((share, i) => ({ key: `arm-${i}`, share })) });
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(armFor(id, e).key, (counts.get(armFor(id, e).key) ?? 0) + 1);
    shares.forEach((share, i) => expect(Math.abs((counts.get(`arm-${i}`) ?? 0) / ids.length - share)).toBeLessThan(0.015));
  });

  test("a customer keeps the same arm in every call, whatever else the experiment says", () => {
    const first = ids.slice(0, 500).map((id) => armFor(id, experiment()).key);
    const later = ids.slice(0, 500).map((id) => armFor(id, experiment({ name: "Renamed", stoppedAt: "2026-12-05T00:00:00.000Z" })).key);
    expect(later).toEqual(first);
  });

  test("two experiments split the same customers independently", () => {
    const a = experiment({ key: "experiment-a" });
    const b = experiment({ key: "experiment-b" });
    const agree = ids.filter((id) => armFor(id, a).key === armFor(id, b).key).length / ids.length;
    expect(Math.abs(agree - 0.5)).toBeLessThan(0.02);
  });
});

describe("when an experiment is active", () => {
  const e = experiment({ startsAt: "2026-12-01T00:00:00.000Z", endsAt: "2026-12-31T00:00:00.000Z" });
  test.each([
    { title: "not a millisecond before it starts", at: "2026-11-30T23:59:59.999Z", isActive: false },
    { title: "from the instant it starts", at: "2026-12-01T00:00:00.000Z", isActive: true },
    { title: "up to a millisecond before it ends", at: "2026-12-30T23:59:59.999Z", isActive: true },
    { title: "not at the instant it ends", at: "2026-12-31T00:00:00.000Z", isActive: false },
  ])("$title", ({ at, isActive }) => {
    expect(isExperimentActive(e, new Date(at))).toBe(isActive);
  });

  test.each([
    { title: "scheduled up to a millisecond before its start", at: "2026-11-30T23:59:59.999Z", stoppedAt: null, status: "scheduled" },
    { title: "running from its start", at: "2026-12-01T00:00:00.000Z", stoppedAt: null, status: "running" },
    { title: "ended from its end", at: "2026-12-31T00:00:00.000Z", stoppedAt: null, status: "ended" },
    { title: "stopped from its stop, before its end", at: "2026-12-10T12:00:00.000Z", stoppedAt: "2026-12-10T12:00:00.000Z", status: "stopped" },
    { title: "stopped, not ended, when both have passed", at: "2027-01-05T00:00:00.000Z", stoppedAt: "2026-12-10T12:00:00.000Z", status: "stopped" },
    { title: "stopped before its start", at: "2026-11-20T00:00:00.000Z", stoppedAt: "2026-11-15T00:00:00.000Z", status: "stopped" },
  ] as const)("its status: $title", ({ at, stoppedAt, status }) => {
    expect(experimentStatus({ ...e, stoppedAt }, new Date(at))).toBe(status);
  });

  test("a stopped experiment is over from the stop", () => {
    const stopped = { ...e, stoppedAt: "2026-12-10T12:00:00.000Z" };
    expect(isExperimentActive(stopped, new Date("2026-12-10T11:59:59.000Z"))).toBe(true);
    expect(isExperimentActive(stopped, new Date("2026-12-10T12:00:00.000Z"))).toBe(false);
  });

  test("of two active experiments the earlier started one decides; none active gives null", () => {
    const early = experiment({ key: "early", startsAt: "2026-12-01T00:00:00.000Z" });
    const late = experiment({ key: "late", startsAt: "2026-12-03T00:00:00.000Z" });
    expect(activeExperiment([late, early], new Date("2026-12-04T00:00:00.000Z"))?.key).toBe("early");
    expect(activeExperiment([late, early], new Date("2026-11-04T00:00:00.000Z"))).toBeNull();
  });
});

describe("armDecideOptions", () => {
  const learnedCatalog = testCatalog.map((t) => (t.key === "retention_sms" ? { ...t, learned: { effect: 0.2, outcomes: 900 } } : t));

  test("an arm without changes keeps the run's policy, allocation and catalog", () => {
    const options = armDecideOptions({ experiment: experiment(), arm: { key: "champion", share: 0.5 }, catalog: learnedCatalog });
    expect(options).toEqual({ experimentKey: "llm-vs-rules", experimentArm: "champion", policy: null, allocation: null, catalog: learnedCatalog });
  });

  test("an arm's policy and allocation are passed on", () => {
    const options = armDecideOptions({ experiment: experiment(), arm: { key: "challenger", share: 0.5, policy: "llm", allocation: "optimal" }, catalog: testCatalog });
    expect(options).toMatchObject({ policy: "llm", allocation: "optimal" });
  });

  test.each([
    { title: "an edited effect replaces the catalog's and sets aside the learned one", edit: { treatmentKey: "retention_sms", expectedEffect: 0.3 }, effect: 0.3, cost: 0.5, isLearnedKept: false },
    { title: "an edited cost keeps the effect and the learned one", edit: { treatmentKey: "retention_sms", costPerContact: 2 }, effect: 0.08, cost: 2, isLearnedKept: true },
  ])("$title", ({ edit, effect, cost, isLearnedKept }) => {
    const options = armDecideOptions({ experiment: experiment(), arm: { key: "challenger", share: 0.5, catalogEdits: [edit] }, catalog: learnedCatalog });
    const sms = options.catalog.find((t) => t.key === "retention_sms")!;
    expect(sms).toMatchObject({ expectedEffect: effect, costPerContact: cost });
    expect(sms.learned !== undefined).toBe(isLearnedKept);
    expect(options.catalog.filter((t) => t.key !== "retention_sms")).toEqual(learnedCatalog.filter((t) => t.key !== "retention_sms"));
  });

  test("an edit of a treatment no longer in the catalog changes nothing", () => {
    const options = armDecideOptions({ experiment: experiment(), arm: { key: "challenger", share: 0.5, catalogEdits: [{ treatmentKey: "retired_offer", expectedEffect: 0.9 }] }, catalog: testCatalog });
    expect(options.catalog).toEqual(testCatalog);
  });
});

describe("experimentSchema", () => {
  test.each([
    { title: "one arm: nothing to compare", patch: { arms: [{ key: "only", share: 1 }] }, path: "arms" },
    { title: "shares adding up to 0.9", patch: { arms: [{ key: "a", share: 0.5 }, { key: "b", share: 0.4 }] }, path: "arms" },
    { title: "two arms with one key", patch: { arms: [{ key: "a", share: 0.5 }, { key: "a", share: 0.5 }] }, path: "arms" },
    { title: "an end before the start", patch: { endsAt: "2026-11-01T00:00:00.000Z" }, path: "endsAt" },
    { title: "a key with spaces", patch: { key: "model vs rules" }, path: "key" },
    { title: "an edit changing nothing", patch: { arms: [{ key: "a", share: 0.5 }, { key: "b", share: 0.5, catalogEdits: [{ treatmentKey: "retention_sms" }] }] }, path: "arms.1.catalogEdits.0" },
  ])("refuses $title", ({ patch, path }) => {
    const result = experimentSchema.safeParse({ ...experiment(), ...patch });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toContain(path);
  });

  test("accepts a well-formed experiment", () => {
    expect(experimentSchema.safeParse(experiment()).success).toBe(true);
  });
});

describe("isModelNeeded", () => {
  const arms = (...policies: ("llm" | "rules" | undefined)[]) => ({ arms: policies.map((policy, i) => ({ key: `arm${i}`, share: 1 / policies.length, ...(policy ? { policy } : {}) })) });
  test.each([
    { policy: "llm" as const, experiment: null, expected: true },
    { policy: "rules" as const, experiment: null, expected: false },
    { policy: "rules" as const, experiment: arms(undefined, "llm"), expected: true },
    { policy: "rules" as const, experiment: arms(undefined, "rules"), expected: false },
    { policy: "llm" as const, experiment: arms("rules", "rules"), expected: false },
    { policy: "llm" as const, experiment: arms(undefined, "rules"), expected: true },
  ])("a $policy run under $experiment asks the model: $expected", ({ policy, experiment, expected }) => {
    expect(isModelNeeded(policy, experiment)).toBe(expected);
  });
});
