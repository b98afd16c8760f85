import { afterEach, describe, expect, test } from "vitest";
import { type FakeOpenAIServer, answerReply, errorReply, rawReply, schemaTreatmentKeys, startFakeOpenAIServer } from "./fake-openai-server";

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const chat = (s: FakeOpenAIServer, body: unknown) =>
  fetch(`${s.baseURL}/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer test-key" }, body: JSON.stringify(body) });

const schemaBody = (keys: string[]) => ({
  model: "m",
  messages: [{ role: "user", content: "hi" }],
  response_format: { type: "json_schema", json_schema: { name: "t", strict: true, schema: { type: "object", properties: { treatmentKey: { type: "string", enum: keys } } } } },
});

describe("fake OpenAI server", () => {
  test("serves the queue in order, then the handler, counting and recording every request", async () => {
    server = await startFakeOpenAIServer({ replies: [errorReply(429, "slow down", { "retry-after": "0" }), answerReply({ n: 1 })] });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await chat(server, schemaBody(["a", "b"]))).status);
    expect(statuses).toEqual([429, 200, 200]);
    expect(server.requestCount).toBe(3);
    expect(server.requests.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(schemaTreatmentKeys(server.requests[0]!.body)).toEqual(["a", "b"]);
  });

  test("by default answers with the first key the schema allows, in the OpenAI response shape", async () => {
    server = await startFakeOpenAIServer();
    const body = (await (await chat(server, schemaBody(["retention_sms", "ignore"]))).json()) as {
      object: string;
      choices: { message: { role: string; content: string }; finish_reason: string }[];
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    };
    expect(body.object).toBe("chat.completion");
    expect(body.choices[0]!.finish_reason).toBe("stop");
    expect(JSON.parse(body.choices[0]!.message.content)).toMatchObject({ treatmentKey: "retention_sms", alternatives: [{ treatmentKey: "ignore" }] });
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  test("adds its fixed latency to every reply", async () => {
    server = await startFakeOpenAIServer({ latencyMs: 120 });
    const started = performance.now();
    await chat(server, schemaBody(["a"]));
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  test("answers other routes with 404 and can be reset", async () => {
    server = await startFakeOpenAIServer({ isRecording: false });
    expect((await fetch(`${server.baseURL}/models`)).status).toBe(404);
    await chat(server, schemaBody(["a"]));
    expect(server.requests).toHaveLength(0);
    expect(server.requestCount).toBe(1);
    server.reset();
    expect(server.requestCount).toBe(0);
  });

  test.each([
    { title: "an HTML page", reply: rawReply("<html>Bad gateway</html>", { contentType: "text/html" }), status: 200, type: "text/html", text: "<html>Bad gateway</html>" },
    { title: "an empty body labelled JSON", reply: rawReply(""), status: 200, type: "application/json", text: "" },
    { title: "truncated JSON with a 502", reply: rawReply('{"choices":[', { status: 502 }), status: 502, type: "application/json", text: '{"choices":[' },
  ])("sends $title byte for byte under its content type", async ({ reply, status, type, text }) => {
    server = await startFakeOpenAIServer({ replies: [reply] });
    const res = await chat(server, schemaBody(["a"]));
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe(type);
    expect(await res.text()).toBe(text);
  });

  test("closes even while a delayed reply is pending", async () => {
    server = await startFakeOpenAIServer({ replies: [{ ...answerReply({}), delayMs: 10_000 }] });
    const pending = chat(server, schemaBody(["a"])).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await server.close();
    server = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });
});
