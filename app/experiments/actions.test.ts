import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { insertCatalog } from "@/lib/pipeline/testing/fixtures";
import { type Actor, SIGN_IN_REQUIRED, can } from "@/lib/auth/roles";
import { DEMO_ACTOR } from "@/lib/auth/testing";
import { openActionTest } from "@/lib/testing/action-test";

const { revalidatePath } = vi.hoisted(() => ({ revalidatePath: vi.fn() }));
vi.mock("next/cache", () => ({ revalidatePath, revalidateTag: vi.fn() }));

let currentActor: Actor | null = DEMO_ACTOR;
vi.mock("@/lib/session/actor", () => ({ getCurrentActor: async () => currentActor }));

let pool: pg.Pool;
let actions: typeof import("./actions");
let close: () => Promise<void>;

beforeAll(async () => {
  ({ pool, actions, close } = await openActionTest({ load: () => import("./actions"), seed: ({ url }) => insertCatalog(url) }));
});
afterAll(() => close());
beforeEach(async () => {
  currentActor = DEMO_ACTOR;
  revalidatePath.mockClear();
  await pool.query(`TRUNCATE "AuditLog", "Experiment"`);
});

const experiments = async () => (await pool.query<{ key: string; stoppedAt: Date | null }>(`SELECT key, "stoppedAt" FROM "Experiment" ORDER BY key`)).rows;
const audit = async () => (await pool.query<{ action: string; actorLabel: string; entityId: string }>(`SELECT action, "actorLabel", "entityId" FROM "AuditLog" ORDER BY id`)).rows;

type Form = { name: string; key?: string; startsOn?: string; endsOn?: string; arms: Record<string, unknown>[] };
const form = (patch: Partial<Form> = {}): Form => ({
  name: "Cheaper SMS",
  arms: [
    { key: "champion", sharePercent: "50", policy: "", allocation: "greedy", edits: [] },
    { key: "challenger", sharePercent: "50", policy: "rules", allocation: "optimal", edits: [{ treatmentKey: "retention_sms", effectPercent: "", costPerContact: "0.25" }] },
  ],
  ...patch,
});
const arm = (key: string, sharePercent: string, edits: Record<string, string>[] = []) => ({ key, sharePercent, policy: "", allocation: "", edits });

describe("startExperimentAction", () => {
  test("a manager starts an experiment from the form: stored with shares as fractions and its key made from the name, audited, both screens refreshed", async () => {
    const result = await actions.startExperimentAction(form());
    expect(result).toMatchObject({
      ok: true,
      data: {
        key: "cheaper-sms",
        arms: [
          { key: "champion", share: 0.5, allocation: "greedy" },
          { key: "challenger", share: 0.5, policy: "rules", allocation: "optimal", catalogEdits: [{ treatmentKey: "retention_sms", costPerContact: 0.25 }] },
        ],
        stoppedAt: null,
      },
    });
    expect(await experiments()).toEqual([{ key: "cheaper-sms", stoppedAt: null }]);
    expect(await audit()).toEqual([{ action: "experiment.create", actorLabel: DEMO_ACTOR.label, entityId: "cheaper-sms" }]);
    expect(revalidatePath).toHaveBeenCalledWith("/experiments");
    expect(revalidatePath).toHaveBeenCalledWith("/evaluation");
  });

  test.each([
    { title: "shares adding up to 90%", input: form({ arms: [arm("a", "40"), arm("b", "50")] }), field: "arms", message: "The shares add up to 90%; they must add up to 100%" },
    { title: "shares adding up to 110% over three arms", input: form({ arms: [arm("a", "40"), arm("b", "40"), arm("c", "30")] }), field: "arms", message: "The shares add up to 110%; they must add up to 100%" },
    { title: "two arms with the same name", input: form({ arms: [arm("same", "50"), arm("same", "50")] }), field: "arms.1.key", message: "Another arm is already called same" },
    { title: "one arm alone", input: form({ arms: [arm("only", "100")] }), field: "arms", message: "An experiment compares at least 2 arms" },
    { title: "a fifth arm", input: form({ arms: ["a", "b", "c", "d", "e"].map((k) => arm(k, "20")) }), field: "arms", message: "An experiment has at most 4 arms" },
    { title: "a share that is not a whole percent", input: form({ arms: [arm("a", "49.5"), arm("b", "50.5")] }), field: "arms.0.sharePercent", message: "A share is a whole percent" },
    { title: "no name", input: form({ name: "  " }), field: "name", message: "Name the experiment" },
    { title: "an edit that changes neither effect nor cost", input: form({ arms: [arm("a", "50"), arm("b", "50", [{ treatmentKey: "retention_sms", effectPercent: "", costPerContact: "" }])] }), field: "arms.1.edits.0.effectPercent", message: "Give an effect or a cost, or remove the edit" },
    { title: "an effect above 100%", input: form({ arms: [arm("a", "50"), arm("b", "50", [{ treatmentKey: "retention_sms", effectPercent: "140", costPerContact: "" }])] }), field: "arms.1.edits.0.effectPercent", message: "The effect must be at most 100" },
    { title: "an unknown treatment", input: form({ arms: [arm("a", "50"), arm("b", "50", [{ treatmentKey: "free_phone", effectPercent: "20", costPerContact: "" }])] }), field: "arms", message: "No treatment to edit has the key free_phone." },
    { title: "an end before the start", input: form({ startsOn: "2099-03-01", endsOn: "2099-02-01" }), field: "endsOn", message: "The end must be after the start" },
    { title: "a field the form does not have", input: { ...form(), budget: 5 }, field: "input", message: expect.stringMatching(/budget/) },
  ])("refuses $title, naming the field, and changes nothing", async ({ input, field, message }) => {
    const result = await actions.startExperimentAction(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors?.[field]).toEqual([message]);
    expect(await experiments()).toEqual([]);
    expect(await audit()).toEqual([]);
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  test.each([
    { title: "a second experiment while one runs over the same customers", second: form({ name: "Model against rules" }), field: "startsOn" },
    { title: "a scheduled one whose days fall while the first runs", second: form({ name: "Spring", startsOn: "2099-03-01", endsOn: "2099-04-01" }), field: "startsOn" },
    { title: "the same key again, even after the first was stopped", second: form(), field: "key", isFirstStopped: true },
  ])("refuses $title and changes nothing", async ({ second, field, isFirstStopped }) => {
    expect((await actions.startExperimentAction(form())).ok).toBe(true);
    if (isFirstStopped) expect((await actions.stopExperimentAction({ key: "cheaper-sms" })).ok).toBe(true);
    const before = { rows: await experiments(), audit: await audit() };
    const result = await actions.startExperimentAction(second);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.fieldErrors ?? {})).toEqual([field]);
    expect({ rows: await experiments(), audit: await audit() }).toEqual(before);
  });

  test("starts a second experiment once the first is stopped", async () => {
    await actions.startExperimentAction(form());
    await actions.stopExperimentAction({ key: "cheaper-sms" });
    expect(await actions.startExperimentAction(form({ name: "Model against rules" }))).toMatchObject({ ok: true, data: { key: "model-against-rules" } });
  });
});

describe("stopExperimentAction", () => {
  test("a manager stops a running experiment once: stopped now, audited, a second stop refused", async () => {
    await actions.startExperimentAction(form());
    revalidatePath.mockClear();
    expect(await actions.stopExperimentAction({ key: "cheaper-sms" })).toEqual({ ok: true, data: { key: "cheaper-sms" } });
    expect((await experiments())[0]!.stoppedAt).not.toBeNull();
    expect(revalidatePath).toHaveBeenCalledWith("/experiments");
    expect(await actions.stopExperimentAction({ key: "cheaper-sms" })).toEqual({ ok: false, message: "No running experiment has the key cheaper-sms; it may have been stopped already." });
    expect((await audit()).map((a) => a.action)).toEqual(["experiment.create", "experiment.stop"]);
  });
});

describe("roles", () => {
  // Starting and stopping are held by experiments.manage alone; the refusal names it and a refused call changes nothing.
  test.each([
    { title: "someone signed out is asked to sign in", role: null, isAllowed: false, message: SIGN_IN_REQUIRED },
    { title: "a viewer is refused", role: "viewer", isAllowed: false, message: "Only managers and administrators may start or stop experiments." },
    { title: "a marketer, who reviews but does not steer, is refused", role: "marketer", isAllowed: false, message: "Only managers and administrators may start or stop experiments." },
    { title: "a manager stops one and starts another", role: "manager", isAllowed: true, message: null },
    { title: "an administrator stops one and starts another", role: "admin", isAllowed: true, message: null },
  ] as const)("$title; a refusal changes nothing", async ({ role, isAllowed, message }) => {
    expect(can(role, "experiments.manage")).toBe(isAllowed);
    await actions.startExperimentAction(form());
    const before = { rows: await experiments(), audit: await audit() };
    currentActor = role ? { id: null, label: `Someone (${role})`, role } : null;
    // Stopped first: a second experiment may not run beside the first.
    const stopped = await actions.stopExperimentAction({ key: "cheaper-sms" });
    const started = await actions.startExperimentAction(form({ name: "Another" }));
    if (isAllowed) {
      expect([stopped.ok, started.ok]).toEqual([true, true]);
      expect((await audit()).map((a) => a.action)).toEqual(["experiment.create", "experiment.stop", "experiment.create"]);
      return;
    }
    expect([stopped, started]).toEqual([{ ok: false, message }, { ok: false, message }]);
    expect({ rows: await experiments(), audit: await audit() }).toEqual(before);
  });
});
