import { expect, test } from "vitest";
import { AppError } from "../errors";
import { parseActionInput, MAX_ACTION_INPUT_BYTES } from "../action-result";
import { safeNextPath } from "../validations/auth";
import { z } from "zod";
import { PERMISSIONS, type Permission, ROLES, type Role, SIGN_IN_REQUIRED, authorize, can, permissionsOf } from "./roles";

// The table the product describes: each role may do what the one before it may, and more.
const expected: Record<Role, Permission[]> = {
  viewer: [],
  marketer: ["runs.start", "runs.cancel", "recommendations.review"],
  manager: ["runs.start", "runs.cancel", "recommendations.review", "constraints.manage", "catalog.manage", "contact_policy.manage", "imports.run", "segments.manage", "experiments.manage", "demo.reset"],
  admin: ["runs.start", "runs.cancel", "recommendations.review", "constraints.manage", "catalog.manage", "contact_policy.manage", "imports.run", "segments.manage", "experiments.manage", "demo.reset", "users.manage"],
};

test.each(ROLES)("%s holds exactly its permissions", (role) => {
  const held = (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));
  expect(held.sort()).toEqual([...expected[role]].sort());
  expect(Object.entries(permissionsOf(role)).filter(([, v]) => v).map(([k]) => k).sort()).toEqual([...expected[role]].sort());
});

test("nobody signed out holds anything, and authorize says why", () => {
  for (const p of Object.keys(PERMISSIONS) as Permission[]) expect(can(null, p)).toBe(false);
  expect(() => authorize(null)).toThrow(new AppError({ code: "unauthenticated", userMessage: SIGN_IN_REQUIRED }));
  const viewer = { id: null, label: "V (viewer)", role: "viewer" as const };
  expect(() => authorize(viewer, "recommendations.review")).toThrow(PERMISSIONS["recommendations.review"].refusal);
  expect(authorize(viewer)).toBe(viewer);
});

test.each([
  ["/review?page=2", "/review?page=2"],
  ["//evil.example/x", "/"],
  ["/\\evil.example", "/"],
  ["https://evil.example", "/"],
  ["/sign-in", "/"],
  ["/\t/evil.example", "/"],
  ["/%09/evil.example", "/%09/evil.example"],
  ["/\n/evil.example", "/"],
  ["/ok path", "/"],
  ["/customers/CUS-1?tab=audit#history", "/customers/CUS-1?tab=audit#history"],
  [undefined, "/"],
])("after sign-in, %s leads to %s", (next, to) => {
  expect(safeNextPath(next)).toBe(to);
});

test("action input over the size limit is refused before it is parsed", () => {
  const schema = z.object({ text: z.string() });
  expect(parseActionInput(schema, { text: "x".repeat(MAX_ACTION_INPUT_BYTES) })).toEqual({ ok: false, message: expect.stringMatching(/too large/) });
  expect(parseActionInput(schema, { text: "fine" })).toEqual({ ok: true, data: { text: "fine" } });
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  expect(parseActionInput(schema, circular)).toMatchObject({ ok: false, message: expect.stringMatching(/plain data/) });
});
