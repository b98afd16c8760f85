import { expect, test } from "vitest";
import { GET, POST } from "./route";

// Only signing in and out and reading the session are served; the library's other routes (renaming
// oneself, changing a password, sign-up, revoking sessions) would skip the Users screen's checks and audit.
test.each([
  ["POST", "/api/auth/update-user"],
  ["POST", "/api/auth/change-password"],
  ["POST", "/api/auth/sign-up/email"],
  ["GET", "/api/auth/list-sessions"],
  ["POST", "/api/auth/revoke-other-sessions"],
  ["GET", "/api/auth/sign-in/email"],
  ["POST", "/api/auth/get-session/../update-user"],
])("%s %s answers 404 without reaching the sign-in library", async (method, path) => {
  const handler = method === "GET" ? GET : POST;
  const res = await handler(new Request(`http://localhost:3000${path}`, { method, body: method === "POST" ? "{}" : undefined }));
  expect(res.status).toBe(404);
});
