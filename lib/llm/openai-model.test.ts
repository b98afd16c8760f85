import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type ChatRequest, ModelUnavailableError } from "../agents/ports";
import { createOpenAIChatModel, toModelError } from "./openai-model";
import { z } from "zod";
import { chatModelFromEnv } from "./select-model";
import { modelSettingsShape } from "./settings";
import { type FakeOpenAIServer, type FakeReply, answerReply, chatCompletionBody, errorReply, rawReply, startFakeOpenAIServer } from "./testing/fake-openai-server";

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeOpenAIServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

const request: ChatRequest = {
  system: "You answer in JSON.",
  user: "Pick a colour.",
  schema: { name: "colour", schema: { type: "object", additionalProperties: false, required: ["colour"], properties: { colour: { type: "string", enum: ["red", "blue"] } } } },
};

const modelFor = (opts: { timeoutMs?: number; maxRetries?: number } = {}) =>
  createOpenAIChatModel({ apiKey: "test-key", model: "gpt-4o-mini", baseURL: server.baseURL, timeoutMs: opts.timeoutMs ?? 5_000, maxRetries: opts.maxRetries ?? 0 });

type SentBody = { model: string; temperature: number; messages: { role: string; content: string }[]; response_format: unknown };

describe("OpenAI chat model", () => {
  test("sends system, history and user in order with a strict JSON-schema response format", async () => {
    server.enqueue(answerReply({ colour: "red" }, { promptTokens: 31, completionTokens: 7, model: "gpt-4o-mini-2024-07-18" }));
    const answer = await modelFor().complete({ ...request, history: [{ role: "user", content: "Pick one." }, { role: "assistant", content: "green" }] });

    expect(answer).toEqual({ content: "{\"colour\":\"red\"}", promptTokens: 31, completionTokens: 7, model: "gpt-4o-mini-2024-07-18" });
    const body = server.requests[0]!.body as unknown as SentBody;
    expect(body.model).toBe("gpt-4o-mini");
    expect(body.temperature).toBe(0);
    expect(body.messages).toEqual([
      { role: "system", content: "You answer in JSON." },
      { role: "user", content: "Pick one." },
      { role: "assistant", content: "green" },
      { role: "user", content: "Pick a colour." },
    ]);
    expect(body.response_format).toEqual({ type: "json_schema", json_schema: { name: "colour", schema: request.schema.schema, strict: true } });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  test("returns whatever text the model wrote, for the caller to check", async () => {
    server.enqueue(answerReply("not json", { completionTokens: 2 }));
    expect((await modelFor().complete(request)).content).toBe("not json");
  });

  test.each<[string, FakeReply[], { timeoutMs?: number; maxRetries?: number }, ModelUnavailableError["kind"], number]>([
    ["an answer slower than the timeout", [{ ...answerReply({ colour: "red" }), delayMs: 2_000 }], { timeoutMs: 100 }, "timeout", 1],
    ["429 after the client's retries", [errorReply(429, "slow down", { "retry-after": "0" }), errorReply(429, "slow down", { "retry-after": "0" })], { maxRetries: 1 }, "rate_limited", 2],
    ["500", [errorReply(500, "boom")], {}, "server_error", 1],
    ["502", [errorReply(502, "bad gateway")], {}, "server_error", 1],
    ["a dropped connection", [{ isDropped: true }], {}, "network", 1],
    ["401", [errorReply(401, "Incorrect API key provided")], {}, "refused", 1],
    ["400 (for instance a schema the service rejects)", [errorReply(400, "Invalid schema")], {}, "refused", 1],
    ["a refusal message", [{ status: 200, body: chatCompletionBody("", { refusal: "No." }) }], {}, "refused", 1],
  ])("turns %s into ModelUnavailableError", async (_title, replies, opts, kind, requests) => {
    server.enqueue(...replies);
    const error = await modelFor(opts).complete(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).kind).toBe(kind);
    expect((error as Error).message).not.toContain("test-key");
    expect(server.requestCount).toBe(requests);
  });

  const completionText = JSON.stringify(chatCompletionBody("{\"colour\":\"red\"}"));
  test.each<[string, FakeReply, RegExp]>([
    ["an HTML page with status 200", rawReply("<html><body><h1>502 Bad Gateway</h1></body></html>", { contentType: "text/html" }), /not a chat completion: "<html><body><h1>502 Bad Gateway/],
    ["an empty body labelled JSON", rawReply(""), /not a chat completion: an empty body/],
    ["an empty body without a type", rawReply("", { contentType: "text/plain" }), /not a chat completion: an empty body/],
    ["JSON without choices", { status: 200, body: { id: "x", object: "chat.completion", model: "m" } }, /\(choices\)/],
    ["JSON with no choice", { status: 200, body: { ...chatCompletionBody("x"), choices: [] } }, /\(choices\)/],
    ["a choice without a message", { status: 200, body: { ...chatCompletionBody("x"), choices: [{ index: 0, finish_reason: "stop" }] } }, /\(choices\.0\.message\)/],
    ["a message without content or refusal", { status: 200, body: chatCompletionBody("") }, /holds no answer text/],
    ["truncated JSON", rawReply(completionText.slice(0, 60)), /not valid JSON/],
    ["a well-formed completion under a text content type", rawReply(completionText, { contentType: "text/plain" }), /not a chat completion/],
  ])("a reply that is not a chat completion (%s) is a malformed fault", async (_title, reply, message) => {
    server.enqueue(reply);
    const error = await modelFor({ maxRetries: 1 }).complete(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as ModelUnavailableError).kind).toBe("malformed");
    expect((error as Error).message).toMatch(message);
    // A malformed reply is not retried by the client: the same endpoint would answer the same.
    expect(server.requestCount).toBe(1);
  });

  test("a stalling model costs one timeout in all, not one per retry", async () => {
    server.setHandler(() => ({ ...answerReply({ colour: "red" }), delayMs: 5_000 }));
    const started = Date.now();
    const error = await modelFor({ timeoutMs: 300, maxRetries: 2 }).complete(request).catch((e: unknown) => e);
    expect((error as ModelUnavailableError).kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test("retries a 429 honouring retry-after and returns the answer that follows", async () => {
    server.enqueue(errorReply(429, "slow down", { "retry-after": "0" }), answerReply({ colour: "blue" }));
    const answer = await modelFor({ maxRetries: 2 }).complete(request);
    expect(answer.content).toBe("{\"colour\":\"blue\"}");
    expect(server.requestCount).toBe(2);
  });

  test("an error that is not from the SDK is left as it is", () => {
    const bug = new TypeError("x is undefined");
    expect(toModelError(bug)).toBe(bug);
  });
});

describe("model from settings", () => {
  test("is absent without an API key", () => {
    expect(chatModelFromEnv({ OPENAI_API_KEY: undefined, OPENAI_MODEL: "gpt-4o-mini", OPENAI_BASE_URL: undefined })).toBeNull();
  });

  test("uses the configured model name and base URL", async () => {
    const model = chatModelFromEnv({ OPENAI_API_KEY: "test-key", OPENAI_MODEL: "gpt-4.1-mini", OPENAI_BASE_URL: server.baseURL }, { maxRetries: 0 });
    expect(model?.name).toBe("gpt-4.1-mini");
    server.enqueue(answerReply({ colour: "red" }));
    await model!.complete(request);
    expect((server.requests[0]!.body as unknown as SentBody).model).toBe("gpt-4.1-mini");
  });
});

describe("model fault settings", () => {
  const settings = z.object(modelSettingsShape);

  test.each<[string, Record<string, string>, Record<string, number> | RegExp]>([
    ["unset: 15 s per call, 1 retry, paused after 5 faults for 60 s", {}, { OPENAI_TIMEOUT_MS: 15_000, OPENAI_MAX_RETRIES: 1, MODEL_FAULT_LIMIT: 5, MODEL_PAUSE_MS: 60_000 }],
    ["empty counts as unset", { OPENAI_TIMEOUT_MS: "" }, { OPENAI_TIMEOUT_MS: 15_000, OPENAI_MAX_RETRIES: 1, MODEL_FAULT_LIMIT: 5, MODEL_PAUSE_MS: 60_000 }],
    ["no retries and a pause of 0 are allowed", { OPENAI_MAX_RETRIES: "0", MODEL_PAUSE_MS: "0" }, { OPENAI_TIMEOUT_MS: 15_000, OPENAI_MAX_RETRIES: 0, MODEL_FAULT_LIMIT: 5, MODEL_PAUSE_MS: 0 }],
    ["a fault limit of 0 is refused", { MODEL_FAULT_LIMIT: "0" }, /MODEL_FAULT_LIMIT must be at least 1/],
    ["a time of 99 ms is refused", { OPENAI_TIMEOUT_MS: "99" }, /OPENAI_TIMEOUT_MS must be at least 100/],
    ["a fractional retry count is refused", { OPENAI_MAX_RETRIES: "1.5" }, /OPENAI_MAX_RETRIES must be a whole number/],
  ])("%s", (_title, source, expected) => {
    const parsed = settings.safeParse(source);
    if (expected instanceof RegExp) {
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.message).join("; ")).toMatch(expected);
    } else {
      expect(parsed.data).toEqual(expected);
    }
  });

  test("the model from settings pauses after MODEL_FAULT_LIMIT faults and counts them", async () => {
    server.setHandler(() => errorReply(500, "down"));
    const model = chatModelFromEnv({ OPENAI_API_KEY: "test-key", OPENAI_MODEL: "m", OPENAI_BASE_URL: server.baseURL, OPENAI_MAX_RETRIES: 0, MODEL_FAULT_LIMIT: 2, MODEL_PAUSE_MS: 60_000 })!;
    const kinds = [];
    for (let i = 0; i < 3; i++) kinds.push(((await model.complete(request).catch((e: unknown) => e)) as ModelUnavailableError).kind);
    expect(kinds).toEqual(["server_error", "server_error", "paused"]);
    expect(server.requestCount).toBe(2);
    expect(model.counters()).toEqual({ faults: 2, circuitOpenedTimes: 1, skippedCalls: 1 });
  });

  test("the model from settings gives up on a stall after OPENAI_TIMEOUT_MS", async () => {
    server.setHandler(() => ({ ...answerReply({ colour: "red" }), delayMs: 5_000 }));
    const model = chatModelFromEnv({ OPENAI_API_KEY: "test-key", OPENAI_MODEL: "m", OPENAI_BASE_URL: server.baseURL, OPENAI_TIMEOUT_MS: 200 })!;
    const started = Date.now();
    expect(((await model.complete(request).catch((e: unknown) => e)) as ModelUnavailableError).kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
