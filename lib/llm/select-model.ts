// Which chat model the settings call for: the OpenAI adapter behind a circuit breaker when a key
// is set, none otherwise (the treatment agent then decides with the deterministic policy).
import type { Env } from "../env";
import { type GuardedChatModel, withCircuitBreaker } from "./circuit-breaker";
import { type OpenAIChatModelOptions, createOpenAIChatModel } from "./openai-model";
import type { ModelFaultSettings } from "./settings";

/** Unset fault settings take their defaults. */
export type ModelSettings = Pick<Env, "OPENAI_API_KEY" | "OPENAI_MODEL" | "OPENAI_BASE_URL"> & Partial<ModelFaultSettings>;

/**
 * The configured chat model, or null when OPENAI_API_KEY is unset. Each call makes a new breaker,
 * so one run's faults do not pause another's model; its counters are the run's.
 */
export function chatModelFromEnv(
  env: ModelSettings,
  overrides: Partial<Omit<OpenAIChatModelOptions, "apiKey" | "model" | "baseURL">> & { now?: () => number } = {},
): GuardedChatModel | null {
  if (!env.OPENAI_API_KEY) return null;
  const { now, ...clientOptions } = overrides;
  const model = createOpenAIChatModel({
    apiKey: env.OPENAI_API_KEY,
    model: env.OPENAI_MODEL,
    baseURL: env.OPENAI_BASE_URL,
    timeoutMs: env.OPENAI_TIMEOUT_MS,
    maxRetries: env.OPENAI_MAX_RETRIES,
    ...clientOptions,
  });
  return withCircuitBreaker(model, { faultLimit: env.MODEL_FAULT_LIMIT, coolDownMs: env.MODEL_PAUSE_MS, now });
}
