// The contract every agent keeps: JSON-serialisable messages with a `type`, answered by
// `process(message)` with a response that carries either data or a domain error as a value.

/** A domain failure: a stable code for code, a reason for people. */
export type AgentError = { code: AgentErrorCode; reason: string };

export type AgentErrorCode =
  | "unknown_message_type"
  | "invalid_message"
  | "not_found"
  | "not_permitted"
  | "no_capacity"
  | "no_eligible_treatment"
  | "model_answer_invalid"
  | "unavailable";

export type AgentResponse<T extends string, D> = { ok: true; type: T; data: D } | { ok: false; type: T; error: AgentError };

export type Message = { type: string };

/** Every agent: one entry point keyed by the message's type. */
export type Agent<M extends Message, R> = {
  readonly name: string;
  process(message: M): Promise<R>;
};

/** The answer to a message whose type the agent does not handle (for instance parsed from JSON). */
export function unknownMessage(agent: string, message: unknown): AgentResponse<string, never> {
  const type = typeof message === "object" && message !== null && "type" in message ? String((message as { type: unknown }).type) : "(none)";
  return { ok: false, type, error: { code: "unknown_message_type", reason: `${agent} does not handle messages of type "${type}".` } };
}

export function ok<T extends string, D>(type: T, data: D): AgentResponse<T, D> {
  return { ok: true, type, data };
}

export function fail<T extends string>(type: T, code: AgentErrorCode, reason: string): AgentResponse<T, never> {
  return { ok: false, type, error: { code, reason } };
}

/** Handlers keyed by message type: a union member without a handler fails to compile. */
export type HandlerMap<M extends Message, R> = { [K in M["type"]]: (message: Extract<M, { type: K }>) => Promise<R> };

/**
 * Dispatches `message` to its handler; unknown types and non-objects get a typed error response.
 * Exceptions thrown by handlers are bugs or outages and propagate.
 */
export async function dispatch<M extends Message, R>(agent: string, handlers: HandlerMap<M, R>, message: unknown): Promise<R> {
  if (typeof message !== "object" || message === null || typeof (message as Message).type !== "string") {
    return unknownMessage(agent, message) as R;
  }
  const handler = (handlers as Record<string, ((m: unknown) => Promise<R>) | undefined>)[(message as Message).type];
  if (!Object.hasOwn(handlers, (message as Message).type) || !handler) return unknownMessage(agent, message) as R;
  return handler(message);
}
