// The ChatModel port over the official OpenAI SDK: one chat completion with a strict JSON-schema
// response format. Outages, and replies that are not chat completions (an HTML error page from a
// proxy, an empty or truncated body), become ModelUnavailableError; the message text of a
// well-formed completion is returned as is, because the caller validates it.
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  InternalServerError,
  RateLimitError,
} from "openai";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { z } from "zod";
import { type ChatAnswer, type ChatModel, type ChatRequest, ModelUnavailableError } from "../agents/ports";
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from "./settings";

export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
export { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS };

/** Longest stretch of a reply quoted in a fault's message. */
const QUOTE_CHARS = 200;

export type OpenAIChatModelOptions = {
  apiKey: string;
  model: string;
  /** An OpenAI-compatible endpoint ending in /v1; the public API when absent. */
  baseURL?: string;
  /** Time allowed for one call, retries included, in milliseconds. */
  timeoutMs?: number;
  maxRetries?: number;
  /** Sampling temperature; 0 keeps answers steady from run to run. */
  temperature?: number;
  /** Upper bound on the answer's tokens. */
  maxCompletionTokens?: number;
};

// Only what the adapter reads: a reply without these is not a chat completion, whatever its status.
const completionShape = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() }).nullish(),
});

type Completion = z.infer<typeof completionShape>;

/** The start of a reply, on one line, for a fault's message. */
function quoted(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  const line = text.replace(/\s+/g, " ").trim();
  if (line === "") return "an empty body";
  return `"${line.length > QUOTE_CHARS ? `${line.slice(0, QUOTE_CHARS)}…` : line}"`;
}

/**
 * The completion inside an SDK reply, or a "malformed" fault: the SDK hands back a non-JSON body
 * (an HTML page) as a string and an empty JSON body as undefined, and does not check the shape.
 */
export function parseCompletion(reply: unknown): Completion {
  if (typeof reply !== "object" || reply === null) {
    throw new ModelUnavailableError(`The model's reply is not a chat completion: ${quoted(reply ?? "")}`, "malformed");
  }
  const parsed = completionShape.safeParse(reply);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((i) => i.path.join(".") || "reply").join(", ");
    throw new ModelUnavailableError(`The model's reply is not a chat completion (${missing}): ${quoted(reply)}`, "malformed");
  }
  return parsed.data;
}

/** Maps an SDK failure to the port's error; anything else (a bug) is returned unchanged. */
export function toModelError(err: unknown): unknown {
  if (err instanceof ModelUnavailableError) return err;
  // The SDK parses a body labelled JSON itself, so a cut or garbled one surfaces as the parser's error.
  if (err instanceof SyntaxError) return new ModelUnavailableError(`The model's reply is not valid JSON: ${err.message.slice(0, QUOTE_CHARS)}`, "malformed");
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
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = new OpenAI({
    apiKey: options.apiKey,
    // Explicit, so the SDK never falls back to reading the environment itself.
    baseURL: options.baseURL ?? DEFAULT_OPENAI_BASE_URL,
    organization: null,
    project: null,
    timeout: timeoutMs,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
  });
  const temperature = options.temperature ?? 0;

  async function complete(request: ChatRequest): Promise<ChatAnswer> {
    const messages: ChatCompletionMessageParam[] = [
      { role: "system", content: request.system },
      ...(request.history ?? []).map((turn): ChatCompletionMessageParam => ({ role: turn.role, content: turn.content })),
      { role: "user", content: request.user },
    ];
    const deadline = AbortSignal.timeout(timeoutMs);
    let reply: unknown;
    try {
      reply = await client.chat.completions.create(
        {
          model: options.model,
          messages,
          temperature,
          ...(options.maxCompletionTokens ? { max_completion_tokens: options.maxCompletionTokens } : {}),
          response_format: { type: "json_schema", json_schema: { name: request.schema.name, schema: request.schema.schema, strict: true } },
        },
        // The SDK's timeout is per attempt; this bounds the call with its retries and their waits.
        { signal: deadline },
      );
    } catch (err) {
      if (deadline.aborted && !(err instanceof ModelUnavailableError)) throw new ModelUnavailableError(`The model did not answer within ${timeoutMs} ms, retries included.`, "timeout");
      throw toModelError(err);
    }
    const completion = parseCompletion(reply);
    const message = completion.choices[0]!.message;
    if (message.refusal) throw new ModelUnavailableError(`The model refused to answer: ${message.refusal}`, "refused");
    if (!message.content) throw new ModelUnavailableError("The model's reply holds no answer text.", "malformed");
    return {
      content: message.content,
      promptTokens: completion.usage?.prompt_tokens ?? 0,
      completionTokens: completion.usage?.completion_tokens ?? 0,
      model: completion.model || options.model,
    };
  }

  return { name: options.model, complete };
}
