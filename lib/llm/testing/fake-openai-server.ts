// A local OpenAI-compatible chat server for tests, benchmarks and browser runs: POST
// /v1/chat/completions answered from a script (a queue of replies, then a handler), with optional
// fixed latency, faults (status codes, delays, dropped connections) and a record of every request.
// Plain node:http, no test-framework imports, so any process can start one.
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * One scripted reply. `body` is sent as JSON, `rawBody` as it is (an HTML page, truncated JSON) under
 * `contentType`; `isDropped` closes the connection without answering.
 */
export type FakeReply = {
  status?: number;
  body?: unknown;
  rawBody?: string;
  /** The content type of `rawBody`; application/json when absent. */
  contentType?: string;
  /** Extra wait before answering, in milliseconds, on top of the server's `latencyMs`. */
  delayMs?: number;
  headers?: Record<string, string>;
  isDropped?: boolean;
};

/** A received chat request as the handler sees it. `index` counts requests from 0. */
export type FakeRequest = {
  index: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body, or null when the body was not JSON. */
  body: FakeChatBody | null;
  receivedAt: number;
};

/** The parts of a chat-completions request body the fake reads. */
export type FakeChatBody = {
  model?: string;
  messages?: { role: string; content: unknown }[];
  response_format?: { type?: string; json_schema?: { name?: string; schema?: Record<string, unknown>; strict?: boolean } };
  [key: string]: unknown;
};

export type FakeHandler = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export type FakeOpenAIServerOptions = {
  /** Replies served first, one per request, in order. */
  replies?: FakeReply[];
  /** Answers requests once the queue is empty; defaults to {@link schemaAnswer}. */
  handler?: FakeHandler;
  /** Fixed latency added to every reply, in milliseconds (0 by default). */
  latencyMs?: number;
  /** Keeps request bodies in `requests` (true by default; a long benchmark may turn it off). */
  isRecording?: boolean;
};

export type FakeOpenAIServer = {
  /** The base URL to give the SDK, ending in /v1. */
  readonly baseURL: string;
  /** Chat requests received so far. */
  readonly requestCount: number;
  /** Recorded chat requests (empty when recording is off). */
  readonly requests: readonly FakeRequest[];
  /** Appends scripted replies to the queue. */
  enqueue(...replies: FakeReply[]): void;
  /** Replaces the handler used once the queue is empty. */
  setHandler(handler: FakeHandler): void;
  /** Empties the queue and the record, and sets the request count back to 0. */
  reset(): void;
  /** Stops listening and cuts any connection still waiting. */
  close(): Promise<void>;
};

export type CompletionUsage = { promptTokens?: number; completionTokens?: number };

/** An OpenAI chat-completion response body carrying `content` as the assistant's message. */
export function chatCompletionBody(content: string, opts: CompletionUsage & { model?: string; finishReason?: string; refusal?: string | null } = {}): Record<string, unknown> {
  const promptTokens = opts.promptTokens ?? 120;
  const completionTokens = opts.completionTokens ?? 40;
  return {
    id: `chatcmpl-fake-${Math.random().toString(36).slice(2, 10)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: opts.model ?? "fake-model",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: opts.refusal ? null : content, refusal: opts.refusal ?? null },
        logprobs: null,
        finish_reason: opts.finishReason ?? "stop",
      },
    ],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/** A 200 reply whose message is `value` as JSON text (a string is sent as is, for malformed answers). */
export function answerReply(value: unknown, opts: CompletionUsage & { model?: string; delayMs?: number } = {}): FakeReply {
  const content = typeof value === "string" ? value : JSON.stringify(value);
  return { status: 200, body: chatCompletionBody(content, opts), delayMs: opts.delayMs };
}

/** An OpenAI-shaped error reply. */
export function errorReply(status: number, message: string, headers: Record<string, string> = {}): FakeReply {
  const type = status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  return { status, body: { error: { message, type, param: null, code: type } }, headers };
}

/** A reply whose body is sent byte for byte, as a misconfigured proxy or a broken gateway would. */
export function rawReply(rawBody: string, opts: { status?: number; contentType?: string; delayMs?: number } = {}): FakeReply {
  return { status: opts.status ?? 200, rawBody, contentType: opts.contentType ?? "application/json", delayMs: opts.delayMs };
}

/** The allowed values of the answer schema's `treatmentKey`, when the request carries such a schema. */
export function schemaTreatmentKeys(body: FakeChatBody | null): string[] {
  const properties = body?.response_format?.json_schema?.schema?.properties as Record<string, { enum?: unknown[] }> | undefined;
  const values = properties?.treatmentKey?.enum;
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === "string") : [];
}

/**
 * The default handler: a valid structured answer choosing the first value the schema's
 * `treatmentKey` enum allows, the next ones as alternatives.
 */
export function schemaAnswer(request: FakeRequest): FakeReply {
  const keys = schemaTreatmentKeys(request.body);
  const [first, ...rest] = keys;
  if (!first) return answerReply({ message: "No treatment schema in the request." });
  return answerReply({
    treatmentKey: first,
    rationale: `Chosen as the first allowed option: ${first}.`,
    evidence: ["The allowed options are listed best first."],
    confidence: 0.7,
    alternatives: rest.slice(0, 3).map((treatmentKey) => ({ treatmentKey, reason: `Next allowed option: ${treatmentKey}.` })),
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function plainHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    // The key is a test value, but nothing recorded should look like a credential.
    if (name === "authorization" || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function sendRaw(res: ServerResponse, status: number, text: string, headers: Record<string, string>) {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Starts a fake OpenAI server on 127.0.0.1 at a free port. */
export async function startFakeOpenAIServer(options: FakeOpenAIServerOptions = {}): Promise<FakeOpenAIServer> {
  const queue: FakeReply[] = [...(options.replies ?? [])];
  let handler: FakeHandler = options.handler ?? schemaAnswer;
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const isRecording = options.isRecording ?? true;
  const requests: FakeRequest[] = [];
  let requestCount = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const text = await readBody(req);
    if (req.method !== "POST" || !path.endsWith("/chat/completions")) {
      sendJson(res, 404, { error: { message: `No route for ${req.method} ${path}`, type: "invalid_request_error", param: null, code: null } });
      return;
    }
    let body: FakeChatBody | null = null;
    try {
      body = JSON.parse(text) as FakeChatBody;
    } catch {
      body = null;
    }
    const request: FakeRequest = { index: requestCount++, method: req.method, path, headers: plainHeaders(req), body, receivedAt: Date.now() };
    if (isRecording) requests.push(request);
    const reply = queue.shift() ?? (await handler(request));
    await wait(latencyMs + (reply.delayMs ?? 0));
    if (reply.isDropped) {
      req.socket.destroy();
      return;
    }
    if (reply.rawBody !== undefined) {
      sendRaw(res, reply.status ?? 200, reply.rawBody, { "content-type": reply.contentType ?? "application/json", ...reply.headers });
      return;
    }
    sendJson(res, reply.status ?? 200, reply.body, reply.headers);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendJson(res, 500, { error: { message: `Fake server failure: ${(err as Error).message}`, type: "server_error", param: null, code: null } }));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get requestCount() {
      return requestCount;
    },
    get requests() {
      return requests;
    },
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    setHandler: (next) => {
      handler = next;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      requestCount = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const socket of sockets) socket.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
