// A circuit breaker around a ChatModel: after a run of model faults the model is not called for a
// cool-down, so a dead or stalling endpoint costs a few timeouts instead of one per customer; the
// treatment agent decides by the rules meanwhile. After the cool-down one trial call decides
// whether calls resume.
import { type ChatAnswer, type ChatModel, type ChatRequest, ModelUnavailableError } from "../agents/ports";
import { DEFAULT_COOL_DOWN_MS, DEFAULT_FAULT_LIMIT } from "./settings";

export { DEFAULT_COOL_DOWN_MS, DEFAULT_FAULT_LIMIT };

/** What the breaker saw, for a run's summary: faults counted, times it opened, calls not made. */
export type ModelFaultCounters = { faults: number; circuitOpenedTimes: number; skippedCalls: number };

export type CircuitBreakerOptions = {
  /** Consecutive faults that open the circuit; at least 1. */
  faultLimit?: number;
  /** How long calls are skipped once open, in milliseconds. */
  coolDownMs?: number;
  /** The clock, in milliseconds; tests pass a fake one. */
  now?: () => number;
};

export type GuardedChatModel = ChatModel & {
  /** A copy of the counters since the model was wrapped. */
  counters(): ModelFaultCounters;
  /**
   * The same model and breaker, counting apart what its own calls met (their faults, a pause they
   * started, their skipped calls): one chunk's share while other chunks call the model at once.
   */
  scoped(): GuardedChatModel;
};

type State = { kind: "closed"; consecutive: number } | { kind: "open"; until: number } | { kind: "half_open" };

/** The reason a decision made while the circuit is open gives. */
export function pausedReason(faultLimit: number): string {
  return `model paused after ${faultLimit} consecutive ${faultLimit === 1 ? "fault" : "faults"}`;
}

/**
 * `model` behind a circuit breaker: `faultLimit` consecutive ModelUnavailableErrors open it for
 * `coolDownMs`, during which calls throw ModelUnavailableError of kind "paused" without reaching
 * the model; then one trial call is let through (others meanwhile are skipped) and its outcome
 * closes or reopens the circuit. Errors that are not model faults (bugs) pass through uncounted.
 */
export function withCircuitBreaker(model: ChatModel, options: CircuitBreakerOptions = {}): GuardedChatModel {
  const faultLimit = Math.max(1, Math.trunc(options.faultLimit ?? DEFAULT_FAULT_LIMIT));
  const coolDownMs = Math.max(0, options.coolDownMs ?? DEFAULT_COOL_DOWN_MS);
  const now = options.now ?? Date.now;
  const counters: ModelFaultCounters = { faults: 0, circuitOpenedTimes: 0, skippedCalls: 0 };
  let state: State = { kind: "closed", consecutive: 0 };

  type Tally = (key: keyof ModelFaultCounters) => void;

  function open(tally: Tally) {
    state = { kind: "open", until: now() + coolDownMs };
    tally("circuitOpenedTimes");
  }

  function skip(tally: Tally): never {
    tally("skippedCalls");
    const until = state.kind === "open" ? ` until ${new Date(state.until).toISOString()}` : " while a trial call is under way";
    throw new ModelUnavailableError(`${pausedReason(faultLimit)}; no call is made${until}.`, "paused");
  }

  async function complete(request: ChatRequest, tally: Tally): Promise<ChatAnswer> {
    if (state.kind === "open") {
      if (now() < state.until) skip(tally);
      state = { kind: "half_open" };
    } else if (state.kind === "half_open") {
      skip(tally);
    }
    const isTrial = state.kind === "half_open";
    try {
      const answer = await model.complete(request);
      state = { kind: "closed", consecutive: 0 };
      return answer;
    } catch (err) {
      if (!(err instanceof ModelUnavailableError)) {
        // A bug says nothing about the model: a trial it ended leaves the next call to try again.
        if (isTrial) state = { kind: "open", until: now() };
        throw err;
      }
      tally("faults");
      if (isTrial) open(tally);
      else if (state.kind === "closed") {
        const consecutive = state.consecutive + 1;
        state = { kind: "closed", consecutive };
        if (consecutive >= faultLimit) open(tally);
      }
      throw err;
    }
  }

  function view(own: ModelFaultCounters, parentTally: Tally): GuardedChatModel {
    const tally: Tally = (key) => {
      own[key] += 1;
      parentTally(key);
    };
    return {
      name: model.name,
      complete: (request) => complete(request, tally),
      counters: () => ({ ...own }),
      scoped: () => view({ faults: 0, circuitOpenedTimes: 0, skippedCalls: 0 }, tally),
    };
  }

  return view(counters, () => {});
}

/** The breaker's counters of `model`, or null when it has no breaker (or there is no model). */
export function modelFaultCounters(model: ChatModel | null | undefined): ModelFaultCounters | null {
  if (!model || !("counters" in model) || typeof model.counters !== "function") return null;
  return (model as GuardedChatModel).counters();
}

/** A scoped view of `model`'s breaker (GuardedChatModel.scoped) when it has one; the model itself otherwise. */
export function scopedModel(model: ChatModel | null): ChatModel | null {
  if (!model || !("scoped" in model) || typeof model.scoped !== "function") return model;
  return (model as GuardedChatModel).scoped();
}

const TIMES = ["never", "once", "twice"];

/**
 * One sentence on what the breaker did in a run, for its summary: "Model paused twice after 5
 * consecutive faults; 312 decided by the rules meanwhile (14 faults, 320 calls not made)." Null
 * when the model was never paused and never faulted.
 */
export function describeModelBreaker(breaker: { faults: number; pauses: number; skippedCalls: number }, opts: { faultLimit: number; decidedWhilePaused: number }): string | null {
  if (breaker.pauses === 0 && breaker.faults === 0) return null;
  const faults = `${breaker.faults} ${breaker.faults === 1 ? "fault" : "faults"}`;
  if (breaker.pauses === 0) return `The model faulted (${faults}) but was never paused; the rules decided those customers.`;
  const times = TIMES[breaker.pauses] ?? `${breaker.pauses} times`;
  return `Model ${pausedReason(opts.faultLimit).replace("model paused", `paused ${times}`)}; ${opts.decidedWhilePaused} decided by the rules meanwhile (${faults}, ${breaker.skippedCalls} ${breaker.skippedCalls === 1 ? "call" : "calls"} not made).`;
}
