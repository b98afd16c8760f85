import { describe, expect, test } from "vitest";
import { type ChatAnswer, type ChatModel, type ChatRequest, ModelUnavailableError } from "../agents/ports";
import { type ModelFaultCounters, describeModelBreaker, modelFaultCounters, withCircuitBreaker } from "./circuit-breaker";

const request: ChatRequest = { system: "s", user: "u", schema: { name: "n", schema: {} } };
const answer: ChatAnswer = { content: "{}", promptTokens: 1, completionTokens: 1, model: "m" };

/** A model scripted call by call: "ok" answers, "fault" is a model fault, "bug" an ordinary error. */
function scriptedModel(script: ("ok" | "fault" | "bug")[]) {
  let calls = 0;
  const model: ChatModel = {
    name: "scripted",
    complete: async () => {
      const step = script[calls++] ?? "ok";
      if (step === "fault") throw new ModelUnavailableError("down", "server_error");
      if (step === "bug") throw new TypeError("x is undefined");
      return answer;
    },
  };
  return { model, calls: () => calls };
}

function fakeClock() {
  let t = Date.parse("2026-12-07T00:00:00Z");
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** Each step: what the model would do, time passed before the call, and what the caller gets. */
type Step = { model: "ok" | "fault" | "bug"; afterMs?: number; outcome: "answer" | "fault" | "paused" | "bug" };

async function run(steps: Step[], opts: { faultLimit: number; coolDownMs: number }): Promise<{ outcomes: Step["outcome"][]; counters: ModelFaultCounters; modelCalls: number }> {
  const clock = fakeClock();
  // The script only advances on calls that reach the model.
  const reaching: Step["model"][] = [];
  const scripted = scriptedModel(reaching);
  const guarded = withCircuitBreaker(scripted.model, { ...opts, now: clock.now });
  const outcomes: Step["outcome"][] = [];
  for (const step of steps) {
    clock.advance(step.afterMs ?? 0);
    reaching[scripted.calls()] = step.model;
    const outcome = await guarded.complete(request).then(
      (): Step["outcome"] => "answer",
      (err: unknown): Step["outcome"] => (err instanceof ModelUnavailableError ? (err.kind === "paused" ? "paused" : "fault") : "bug"),
    );
    outcomes.push(outcome);
  }
  return { outcomes, counters: guarded.counters(), modelCalls: scripted.calls() };
}

const faults = (n: number, afterMs = 0): Step[] => Array.from({ length: n }, () => ({ model: "fault", afterMs, outcome: "fault" }));

describe("model circuit breaker", () => {
  test.each<[string, Step[], Step["outcome"][], ModelFaultCounters]>([
    ["stays closed after 4 faults when 5 open it", [...faults(4), { model: "fault", outcome: "fault" }], ["fault", "fault", "fault", "fault", "fault"], { faults: 5, circuitOpenedTimes: 1, skippedCalls: 0 }],
    [
      "skips the call after the 5th consecutive fault",
      [...faults(5), { model: "ok", afterMs: 1_000, outcome: "paused" }, { model: "ok", afterMs: 58_999, outcome: "paused" }],
      ["fault", "fault", "fault", "fault", "fault", "paused", "paused"],
      { faults: 5, circuitOpenedTimes: 1, skippedCalls: 2 },
    ],
    [
      "counts only consecutive faults: an answer in between starts the count again",
      [...faults(4), { model: "ok", outcome: "answer" }, ...faults(4), { model: "ok", outcome: "answer" }],
      ["fault", "fault", "fault", "fault", "answer", "fault", "fault", "fault", "fault", "answer"],
      { faults: 8, circuitOpenedTimes: 0, skippedCalls: 0 },
    ],
    [
      "lets one trial call through once the 60 s cool-down has passed, and closes on its answer",
      [...faults(5), { model: "ok", afterMs: 60_000, outcome: "answer" }, ...faults(4), { model: "ok", outcome: "answer" }],
      ["fault", "fault", "fault", "fault", "fault", "answer", "fault", "fault", "fault", "fault", "answer"],
      { faults: 9, circuitOpenedTimes: 1, skippedCalls: 0 },
    ],
    [
      "reopens for another cool-down when the trial call faults",
      [...faults(5), { model: "fault", afterMs: 60_000, outcome: "fault" }, { model: "ok", afterMs: 59_999, outcome: "paused" }, { model: "ok", afterMs: 1, outcome: "answer" }],
      ["fault", "fault", "fault", "fault", "fault", "fault", "paused", "answer"],
      { faults: 6, circuitOpenedTimes: 2, skippedCalls: 1 },
    ],
    [
      "does not count an error that is not a model fault",
      [...faults(4), { model: "bug", outcome: "bug" }, { model: "fault", outcome: "fault" }, { model: "ok", outcome: "paused" }],
      ["fault", "fault", "fault", "fault", "bug", "fault", "paused"],
      { faults: 5, circuitOpenedTimes: 1, skippedCalls: 1 },
    ],
  ])("%s", async (_title, steps, outcomes, counters) => {
    const result = await run(steps, { faultLimit: 5, coolDownMs: 60_000 });
    expect(result.outcomes).toEqual(outcomes);
    expect(result.counters).toEqual(counters);
    expect(result.modelCalls).toBe(outcomes.filter((o) => o !== "paused").length);
  });

  test("a paused call says why, in words a decision can carry", async () => {
    const clock = fakeClock();
    const guarded = withCircuitBreaker(scriptedModel(["fault", "fault"]).model, { faultLimit: 2, coolDownMs: 60_000, now: clock.now });
    for (let i = 0; i < 2; i++) await guarded.complete(request).catch(() => {});
    const error = (await guarded.complete(request).catch((e: unknown) => e)) as ModelUnavailableError;
    expect(error.kind).toBe("paused");
    expect(error.message).toBe("model paused after 2 consecutive faults; no call is made until 2026-12-07T00:01:00.000Z.");
  });

  test("a second call while the trial is under way is skipped, not sent", async () => {
    const clock = fakeClock();
    let release: () => void = () => {};
    let calls = 0;
    const slow: ChatModel = {
      name: "slow",
      complete: () => {
        calls += 1;
        if (calls === 1) return Promise.reject(new ModelUnavailableError("down", "timeout"));
        return new Promise((resolve) => (release = () => resolve(answer)));
      },
    };
    const guarded = withCircuitBreaker(slow, { faultLimit: 1, coolDownMs: 1_000, now: clock.now });
    await guarded.complete(request).catch(() => {});
    clock.advance(1_000);
    const trial = guarded.complete(request);
    const second = await guarded.complete(request).catch((e: unknown) => e);
    release();
    expect(await trial).toEqual(answer);
    expect((second as ModelUnavailableError).kind).toBe("paused");
    expect(calls).toBe(2);
    expect(guarded.counters()).toEqual({ faults: 1, circuitOpenedTimes: 1, skippedCalls: 1 });
  });

  test("two scoped views share one breaker and each counts only its own calls: the fault that opens it, and the calls it then skips", async () => {
    const clock = fakeClock();
    const guarded = withCircuitBreaker(scriptedModel(["fault", "fault"]).model, { faultLimit: 2, coolDownMs: 60_000, now: clock.now });
    const [a, b] = [guarded.scoped(), guarded.scoped()];
    await a.complete(request).catch(() => {});
    await b.complete(request).catch(() => {});
    for (const view of [a, b, b]) await view.complete(request).catch(() => {});
    expect([a.counters(), b.counters(), guarded.counters()]).toEqual([
      { faults: 1, circuitOpenedTimes: 0, skippedCalls: 1 },
      { faults: 1, circuitOpenedTimes: 1, skippedCalls: 2 },
      { faults: 2, circuitOpenedTimes: 1, skippedCalls: 3 },
    ]);
  });

  test.each<[string, ChatModel | null, ModelFaultCounters | null]>([
    ["no model", null, null],
    ["a model without a breaker", scriptedModel([]).model, null],
    ["a model with a breaker", withCircuitBreaker(scriptedModel([]).model), { faults: 0, circuitOpenedTimes: 0, skippedCalls: 0 }],
  ])("counters of %s", (_title, model, counters) => {
    expect(modelFaultCounters(model)).toEqual(counters);
  });
});

describe("what a run's summary says of the breaker", () => {
  test.each<[string, { faults: number; pauses: number; skippedCalls: number }, number, number, string | null]>([
    ["no fault at all", { faults: 0, pauses: 0, skippedCalls: 0 }, 5, 0, null],
    ["faults below the limit", { faults: 3, pauses: 0, skippedCalls: 0 }, 5, 0, "The model faulted (3 faults) but was never paused; the rules decided those customers."],
    ["one pause after 1 fault", { faults: 1, pauses: 1, skippedCalls: 1 }, 1, 1, "Model paused once after 1 consecutive fault; 1 decided by the rules meanwhile (1 fault, 1 call not made)."],
    ["two pauses after 5 faults", { faults: 14, pauses: 2, skippedCalls: 320 }, 5, 312, "Model paused twice after 5 consecutive faults; 312 decided by the rules meanwhile (14 faults, 320 calls not made)."],
    ["three pauses", { faults: 15, pauses: 3, skippedCalls: 40 }, 5, 40, "Model paused 3 times after 5 consecutive faults; 40 decided by the rules meanwhile (15 faults, 40 calls not made)."],
  ])("%s", (_title, breaker, faultLimit, decidedWhilePaused, sentence) => {
    expect(describeModelBreaker(breaker, { faultLimit, decidedWhilePaused })).toBe(sentence);
  });
});
