import { NextRequest } from "next/server";
import { expect, test } from "vitest";
import { proxy } from "../../proxy";
import { FOREIGN_ORIGIN_REFUSAL, isForeignOriginAction } from "./origin";

const ACTION = { "next-action": "7f00aa", "content-type": "text/plain;charset=UTF-8", host: "cvm.example.test" };

test.each([
  { method: "POST", headers: { ...ACTION, origin: "https://evil.example" }, isForeign: true, title: "an action from another site is foreign" },
  { method: "POST", headers: { ...ACTION, origin: "https://cvm.example.test" }, isForeign: false, title: "an action from the app's own host is not" },
  { method: "POST", headers: { ...ACTION, origin: "http://cvm.example.test:8080" }, isForeign: true, title: "the same name on another port is foreign" },
  { method: "POST", headers: { ...ACTION, host: "10.0.0.5:3000", "x-forwarded-host": "cvm.example.test, proxy.internal", origin: "https://cvm.example.test" }, isForeign: false, title: "the first forwarded host counts as the app's own" },
  { method: "POST", headers: { ...ACTION, origin: "null" }, isForeign: true, title: "an opaque origin (a sandboxed frame) is foreign" },
  { method: "POST", headers: { ...ACTION, origin: "not a url" }, isForeign: true, title: "an unreadable origin is foreign" },
  { method: "POST", headers: ACTION, isForeign: false, title: "an action without an origin is left to Next.js" },
  { method: "POST", headers: { "content-type": "multipart/form-data; boundary=x", host: "cvm.example.test", origin: "https://evil.example" }, isForeign: true, title: "a form post from another site is foreign" },
  { method: "GET", headers: { host: "cvm.example.test", origin: "https://evil.example" }, isForeign: false, title: "a page read is not an action" },
  { method: "POST", headers: { "content-type": "application/json", host: "cvm.example.test", origin: "https://evil.example" }, isForeign: false, title: "a JSON post without an action id is not an action" },
])("$title", ({ method, headers, isForeign }) => {
  expect(isForeignOriginAction(method, new Headers(headers as Record<string, string>))).toBe(isForeign);
});

test.each([
  { path: "/users", title: "a signed-in screen" },
  { path: "/sign-in", title: "the sign-in page" },
])("the proxy answers an action from another site on $title with 403 and words, not 500", async ({ path }) => {
  const response = proxy(new NextRequest(`https://cvm.example.test${path}`, { method: "POST", headers: { ...ACTION, origin: "https://evil.example" }, body: "[]" }));
  expect(response.status).toBe(403);
  expect(await response.json()).toEqual({ message: FOREIGN_ORIGIN_REFUSAL });
});

test("the proxy lets an action from the app's own site through to the session check", () => {
  const response = proxy(new NextRequest("https://cvm.example.test/users", { method: "POST", headers: { ...ACTION, origin: "https://cvm.example.test" }, body: "[]" }));
  expect(response.status).toBe(307);
});
