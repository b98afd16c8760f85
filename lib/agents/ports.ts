// What the agents are given from outside: a data source and a chat model. Adapters in lib/
// implement them over PostgreSQL and the OpenAI SDK; tests implement them in memory.
import type { CustomerData, ModelFaultKind } from "./domain";

export type CustomerDataSource = {
  /** Loads the customers that exist among `ids`; missing ids are simply absent from the map. */
  loadCustomers(ids: string[]): Promise<Map<string, CustomerData>>;
};

/** One structured-output request: the answer must be JSON matching `schema`. */
export type ChatRequest = {
  system: string;
  user: string;
  /** JSON Schema of the answer; `name` is a short identifier. */
  schema: { name: string; schema: Record<string, unknown> };
  /** Earlier turns to send before `user` (a retry states what was wrong with the last answer). */
  history?: { role: "user" | "assistant"; content: string }[];
};

export type ChatAnswer = { content: string; promptTokens: number; completionTokens: number; model: string };

/**
 * A language model. `complete` throws `ModelUnavailableError` when the model cannot answer
 * (timeout, rate limit after retries, network, server error, a reply that is not a well-formed
 * completion, or calls paused after repeated faults); any answer text is returned as is, to be
 * validated by the caller.
 */
export type ChatModel = {
  readonly name: string;
  complete(request: ChatRequest): Promise<ChatAnswer>;
};

export type { ModelFaultKind } from "./domain";

export class ModelUnavailableError extends Error {
  constructor(
    message: string,
    readonly kind: ModelFaultKind,
  ) {
    super(message);
    this.name = "ModelUnavailableError";
  }
}
