// The ChatModel port over the official OpenAI SDK: one chat completion with a strict JSON-schema
// response format. Outages become ModelUnavailableError; whatever text comes back is returned as
// is, because the caller validates it.
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  InternalServerError,
  RateLimitError,
} from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { type ChatAnswer, type ChatModel, type ChatRequest, ModelUnavailableError } from "../agents/ports";

export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
/** Per attempt, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** SDK retries after a 408/409/429/5xx or a connection problem; it honours retry-after. */
export const DEFAULT_MAX_RETRIES = 2;

export type OpenAIChatModelOptions = {
  apiKey: string;
  model: string;
  /** An OpenAI-compatible endpoint ending in /v1; the public API when absent. */
  baseURL?: string;
  /** Time allowed for one attempt, in milliseconds. */
  timeoutMs?: number;
  maxRetries?: number;
  /** Sampling temperature; 0 keeps answers steady from run to run. */
  temperature?: number;
  /** Upper bound on the answer's tokens. */
  maxCompletionTokens?: number;
};

/** Maps an SDK failure to the port's error; anything else (a bug) is returned unchanged. */
export function toModelError(err: unknown): unknown {
  if (err instanceof ModelUnavailableError) return err;
  // Subclasses before their parents: a timeout is also a connection error.
  if (err instanceof APIConnectionTimeoutError) return new ModelUnavailableError(`The model did not answer in time: ${err.message}`, "timeout");
  if (err instanceof APIUserAbortError) return new ModelUnavailableError(`The model request was aborted: ${err.message}`, "timeout");
  if (err instanceof APIConnectionError) return new ModelUnavailableError(`The model could not be reached: ${err.message}`, "network");
  if (err instanceof RateLimitError) return new ModelUnavailableError(`The model is rate limited after retries: ${err.message}`, "rate_limited");
  if (err instanceof InternalServerError) return new ModelUnavailableError(`The model service failed: ${err.message}`, "server_error");
  if (err instanceof APIError) return new ModelUnavailableError(`The model service refused the request (${err.status ?? "no status"}): ${err.message}`, "refused");
  return err;
}

/** A ChatModel over chat.completions with structured output. */
export function createOpenAIChatModel(options: OpenAIChatModelOptions): ChatModel {
  const client = new OpenAI({
    apiKey: options.apiKey,
    // Explicit, so the SDK never falls back to reading the environment itself.
    baseURL: options.baseURL ?? DEFAULT_OPENAI_BASE_URL,
    organization: null,
    project: null,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
  });
  const temperature = options.temperature ?? 0;

  async function complete(request: ChatRequest): Promise<ChatAnswer> {
    const messages: ChatCompletionMessageParam[] = [
      { role: "system", content: request.system },
      ...(request.history ?? []).map((turn): ChatCompletionMessageParam => ({ role: turn.role, content: turn.content })),
      { role: "user", content: request.user },
    ];
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await client.chat.completions.create({
        model: options.model,
        messages,
        temperature,
        ...(options.maxCompletionTokens ? { max_completion_tokens: options.maxCompletionTokens } : {}),
        response_format: { type: "json_schema", json_schema: { name: request.schema.name, schema: request.schema.schema, strict: true } },
      });
    } catch (err) {
      throw toModelError(err);
    }
    const choice = completion.choices[0];
    if (choice?.message.refusal) throw new ModelUnavailableError(`The model refused to answer: ${choice.message.refusal}`, "refused");
    return {
      content: choice?.message.content ?? "",
      promptTokens: completion.usage?.prompt_tokens ?? 0,
      completionTokens: completion.usage?.completion_tokens ?? 0,
      model: completion.model || options.model,
    };
  }

  return { name: options.model, complete };
}
