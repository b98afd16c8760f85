// Which chat model the settings call for: the OpenAI adapter when a key is set, none otherwise
// (the treatment agent then decides with the deterministic policy).
import type { ChatModel } from "../agents/ports";
import type { Env } from "../env";
import { type OpenAIChatModelOptions, createOpenAIChatModel } from "./openai-model";

export type ModelSettings = Pick<Env, "OPENAI_API_KEY" | "OPENAI_MODEL" | "OPENAI_BASE_URL">;

/** The configured chat model, or null when OPENAI_API_KEY is unset. */
export function chatModelFromEnv(env: ModelSettings, overrides: Partial<Omit<OpenAIChatModelOptions, "apiKey" | "model" | "baseURL">> = {}): ChatModel | null {
  if (!env.OPENAI_API_KEY) return null;
  return createOpenAIChatModel({ apiKey: env.OPENAI_API_KEY, model: env.OPENAI_MODEL, baseURL: env.OPENAI_BASE_URL, ...overrides });
}
