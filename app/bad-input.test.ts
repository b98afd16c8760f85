// Bad input to every server action, sent directly as a hand-made request could: missing fields,
// wrong types, out-of-range numbers, unknown ids, very long strings, injected markup and oversized
// payloads. Each is refused with a message a person can act on, and nothing in the database changes.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import type { Actor } from "@/lib/auth/roles";
import { demoActor } from "@/lib/auth/testing";
import { waitForBackgroundRuns } from "@/lib/pipeline/launch";
import { type Harness, createHarness, fingerprint, takePending } from "./testing/harness";

vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));
// The administrator holds every permission, so only the input can be the reason for a refusal.
const acting: { actor: Actor | null } = { actor: null };
vi.mock("@/lib/session/actor", () => ({ getCurrentActor: async () => acting.actor }));

type Action = (input: unknown) => Promise<{ ok: boolean; message?: string }>;

let h: Harness;
let actions: Record<string, Action>;
let pendingId = "";
let userId = "";
let periodStart = "";

const UNKNOWN_UUID = "7d0f3a52-5b7e-4b0e-9a59-0c7c6f1e9a11";
const LONG = "x".repeat(5_000);
const MARKUP = `<script>alert("hi")</script>`;
const OVERSIZED = Array.from({ length: 2_000 }, () => UNKNOWN_UUID);

beforeAll(async () => {
  h = await createHarness({ customers: 12 });
  process.env.DATABASE_URL = h.db.url;
  process.env.DEMO_MODE = "true";
  delete process.env.OPENAI_API_KEY;
  const review = await import("./review/actions");
  const constraints = await import("./constraints/actions");
  const runs = await import("./runs/actions");
  const customer = await import("./customers/[id]/actions");
  const treatments = await import("./treatments/actions");
  const users = await import("./users/actions");
  const demo = await import("./demo/actions");
  actions = {
    approveRecommendationsAction: review.approveRecommendationsAction,
    rejectRecommendationsAction: review.rejectRecommendationsAction,
    overrideRecommendationAction: review.overrideRecommendationAction,
    listOverrideChoicesAction: review.listOverrideChoicesAction,
    updateConstraintAction: constraints.updateConstraintAction,
    resetConstraintPeriodAction: constraints.resetConstraintPeriodAction,
    startRunAction: runs.startRunAction,
    cancelRunAction: runs.cancelRunAction,
    runCustomerPipelineAction: customer.runCustomerPipelineAction,
    updateTreatmentAction: treatments.updateTreatmentAction,
    createUserAction: users.createUserAction,
    updateUserAction: users.updateUserAction,
    resetUserPasswordAction: users.resetUserPasswordAction,
    resetDemoAction: demo.resetDemoAction,
  };
  pendingId = (await takePending(h.pool, new Set(), 1))[0]!;
  userId = demoActor("viewer").id!;
  periodStart = ((await h.pool.query(`SELECT "periodStart" AS p FROM "ResourceConstraint" WHERE key = 'sms_quota'`)).rows[0].p as Date).toISOString();
  acting.actor = demoActor("admin");
}, 120_000);
afterAll(async () => {
  await waitForBackgroundRuns();
  await (globalThis as { cvmPool?: pg.Pool }).cvmPool?.end();
  await h.pool.end();
  await h.db.drop();
});

const treatment = (over: Record<string, unknown>) => ({
  key: "retention_email",
  name: "Retention email",
  description: "A retention offer by email",
  costPerContact: 0.25,
  priority: 3,
  expectedEffect: 0.05,
  isActive: true,
  ...over,
});
const user = (over: Record<string, unknown>) => ({ id: userId, name: "Oliver Bennett", role: "viewer", isActive: true, ...over });
const newUser = (over: Record<string, unknown>) => ({ email: "new.person@example.test", name: "New Person", role: "viewer", password: "long-enough-password", ...over });
const limit = (over: Record<string, unknown>) => ({ resourceKey: "sms_quota", limit: 2000, reservedHighValue: 0, ...over });

type Case = [title: string, input: () => unknown, message: RegExp];

// For every action: [what is wrong, the input, what the message must say].
const cases: Record<string, Case[]> = {
  approveRecommendationsAction: [
    ["no input at all", () => undefined, /no fields/i],
    ["a list instead of fields", () => [pendingId], /no fields/i],
    ["missing ids", () => ({}), /recommendations to review/i],
    ["ids of the wrong type", () => ({ ids: "all" }), /recommendations to review/i],
    ["no ids", () => ({ ids: [] }), /at least one/i],
    ["an id that is not one", () => ({ ids: ["1; DROP TABLE \"Recommendation\""] }), /not a recommendation id/i],
    ["an unknown id", () => ({ ids: [UNKNOWN_UUID] }), /does not exist/i],
    ["too many ids", () => ({ ids: OVERSIZED.slice(0, 501) }), /at most 500/i],
    ["an oversized payload", () => ({ ids: OVERSIZED }), /too large/i],
    ["an extra field", () => ({ ids: [pendingId], force: true }), /unrecognized key|force/i],
  ],
  rejectRecommendationsAction: [
    ["missing reason", () => ({ ids: [pendingId] }), /give a reason/i],
    ["a reason of the wrong type", () => ({ ids: [pendingId], reason: 42 }), /must be text/i],
    ["too short a reason", () => ({ ids: [pendingId], reason: "no" }), /at least 3/i],
    ["a very long reason", () => ({ ids: [pendingId], reason: LONG }), /at most 500/i],
    ["markup in the reason", () => ({ ids: [pendingId], reason: MARKUP }), /markup/i],
    ["a control character in the reason", () => ({ ids: [pendingId], reason: "Bad\u0000reason" }), /control characters/i],
    ["an unknown id", () => ({ ids: [UNKNOWN_UUID], reason: "Not a fit" }), /does not exist/i],
  ],
  overrideRecommendationAction: [
    ["missing treatment", () => ({ id: pendingId, reason: "Better fit" }), /treatment/i],
    ["an unknown treatment", () => ({ id: pendingId, treatmentKey: "free_iphone", reason: "Better fit" }), /free_iphone|not (in|part of) the catalog|unknown|no treatment/i],
    ["an unknown recommendation", () => ({ id: UNKNOWN_UUID, treatmentKey: "retention_email", reason: "Better fit" }), /does not exist/i],
    ["markup in the reason", () => ({ id: pendingId, treatmentKey: "retention_email", reason: `<img src=x onerror=alert(1)>` }), /markup/i],
    ["a very long treatment key", () => ({ id: pendingId, treatmentKey: LONG, reason: "Better fit" }), /treatment/i],
  ],
  listOverrideChoicesAction: [
    ["missing id", () => ({}), /recommendation id/i],
    ["an unknown id", () => ({ id: UNKNOWN_UUID }), /no longer exists/i],
  ],
  updateConstraintAction: [
    ["missing limit", () => ({ resourceKey: "sms_quota", reservedHighValue: 0 }), /limit is required/i],
    ["a limit of the wrong type", () => limit({ limit: "lots" }), /whole number/i],
    ["a negative limit", () => limit({ limit: -1 }), /cannot be negative/i],
    ["a huge limit", () => limit({ limit: 1e12 }), /cannot exceed/i],
    ["a fractional limit", () => limit({ limit: 10.5 }), /whole number/i],
    ["a reserve above the limit", () => limit({ limit: 10, reservedHighValue: 11 }), /reserve cannot be larger/i],
    ["an unknown resource", () => limit({ resourceKey: "pigeon_post" }), /no resource "pigeon_post"/i],
    ["a very long resource key", () => limit({ resourceKey: LONG }), /too big|at most|200/i],
    ["markup in the reason", () => limit({ reason: MARKUP }), /markup/i],
  ],
  resetConstraintPeriodAction: [
    ["missing period start", () => ({ resourceKey: "sms_quota" }), /period start/i],
    ["a period start that is not a time", () => ({ resourceKey: "sms_quota", expectedPeriodStart: "yesterday" }), /not a valid time/i],
    ["an unknown resource", () => ({ resourceKey: "pigeon_post", expectedPeriodStart: periodStart }), /no resource/i],
    ["a very long reason", () => ({ resourceKey: "sms_quota", expectedPeriodStart: periodStart, reason: LONG }), /500/i],
  ],
  startRunAction: [
    ["missing scope", () => ({ policy: "rules" }), /scope/i],
    ["a limit of the wrong type", () => ({ scope: { limit: "ten" }, policy: "rules" }), /scope\.limit/i],
    ["a limit out of range", () => ({ scope: { limit: 0 }, policy: "rules" }), /scope\.limit/i],
    ["an unknown customer", () => ({ scope: { customerIds: ["NOBODY-1"] }, policy: "rules" }), /unknown customer: NOBODY-1/i],
    ["an unknown policy", () => ({ scope: { limit: 1 }, policy: "magic" }), /policy/i],
    ["markup as a segment", () => ({ scope: { segment: MARKUP }, policy: "rules" }), /no customer matches/i],
    ["a request key that is not a UUID", () => ({ scope: { limit: 1 }, policy: "rules", requestKey: "abc" }), /requestKey must be a UUID/i],
    ["an oversized payload", () => ({ scope: { customerIds: OVERSIZED }, policy: "rules" }), /too large/i],
  ],
  cancelRunAction: [
    ["missing run", () => ({}), /choose a run/i],
    ["a run id that is not one", () => ({ runId: 12 }), /choose a run/i],
    ["an unknown run", () => ({ runId: UNKNOWN_UUID }), /does not exist/i],
  ],
  runCustomerPipelineAction: [
    ["missing customer", () => ({ policy: "rules" }), /customer/i],
    ["an unknown customer", () => ({ customerId: "NOBODY-1", policy: "rules" }), /unknown customer/i],
    ["a very long customer id", () => ({ customerId: LONG, policy: "rules" }), /customerId/i],
  ],
  updateTreatmentAction: [
    ["missing fields", () => ({ key: "retention_email" }), /name/i],
    ["a cost of the wrong type", () => treatment({ costPerContact: "cheap" }), /cost must be a number/i],
    ["a negative cost", () => treatment({ costPerContact: -1 }), /cannot be negative/i],
    ["a cost with three decimals", () => treatment({ costPerContact: 0.125 }), /two decimals/i],
    ["a priority out of range", () => treatment({ priority: 0 }), /priority is 1 or more/i],
    ["an effect above 1", () => treatment({ expectedEffect: 1.5 }), /from 0 to 1/i],
    ["an unknown treatment", () => treatment({ key: "free_iphone" }), /no treatment "free_iphone"/i],
    ["a very long name", () => treatment({ name: LONG }), /at most 80/i],
    ["markup in the description", () => treatment({ description: MARKUP }), /markup/i],
    ["deactivating no action", () => treatment({ key: "ignore", name: "No action", description: "Do nothing", costPerContact: 0, priority: 9, expectedEffect: 0, isActive: false }), /cannot be deactivated/i],
  ],
  createUserAction: [
    ["missing fields", () => ({}), /email/i],
    ["an invalid email", () => newUser({ email: "not-an-email" }), /valid email/i],
    ["an unknown role", () => newUser({ role: "superuser" }), /role is one of/i],
    ["too short a password", () => newUser({ password: "short" }), /at least 10/i],
    ["a very long name", () => newUser({ name: LONG }), /at most 80/i],
    ["markup in the name", () => newUser({ name: MARKUP }), /markup/i],
    ["an email already in use", () => newUser({ email: "viewer@demo.cvm" }), /already exists/i],
  ],
  updateUserAction: [
    ["missing fields", () => ({ id: userId }), /name/i],
    ["an unknown user", () => user({ id: UNKNOWN_UUID }), /no longer exists/i],
    ["an id that is not one", () => user({ id: "me" }), /not a user id/i],
    ["an unknown role", () => user({ role: "owner" }), /role is one of/i],
    ["active of the wrong type", () => user({ isActive: "yes" }), /whether the user is active/i],
    ["demoting the last administrator", () => user({ id: demoActor("admin").id, name: "Sophie Turner", role: "manager" }), /last active administrator/i],
  ],
  resetUserPasswordAction: [
    ["missing password", () => ({ id: userId }), /password must be text/i],
    ["too long a password", () => ({ id: userId, password: "p".repeat(200) }), /at most 128/i],
    ["an unknown user", () => ({ id: UNKNOWN_UUID, password: "long-enough-password" }), /no longer exists/i],
  ],
  resetDemoAction: [
    ["missing confirmation", () => ({}), /confirm the reset/i],
    ["a wrong confirmation", () => ({ confirmation: "yes" }), /confirm the reset/i],
  ],
};

describe.each(Object.keys(cases))("%s", (name) => {
  test.each(cases[name]!)("refuses %s with a clear message and changes nothing", async (_title, input, message) => {
    const before = await fingerprint(h.pool);
    const result = await actions[name]!(input());
    await waitForBackgroundRuns();
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(message);
    expect(result.message).not.toMatch(/something went wrong/i);
    expect(await fingerprint(h.pool)).toEqual(before);
  });
});

test("every server action has bad-input cases", () => {
  expect(Object.keys(cases).sort()).toEqual(Object.keys(actions).sort());
});
