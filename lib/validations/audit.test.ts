import { expect, test } from "vitest";
import { auditQuery, parseAuditListParams } from "./audit";

test("reads every filter from the URL and writes it back", () => {
  const raw = { action: "user.update", entity: "User", actor: "00000000-0000-4000-8000-000000000004", id: "x", from: "2026-11-01", to: "2026-11-30", page: "2" };
  const p = parseAuditListParams(raw);
  expect(p).toEqual({ ...raw, page: 2, problems: [] });
  expect(auditQuery(p)).toEqual({ action: "user.update", entity: "User", actor: raw.actor, id: "x", from: "2026-11-01", to: "2026-11-30" });
});

test.each([
  { raw: { from: "2026-02-31" }, problem: /not a calendar date/ },
  { raw: { from: "2026-12-02", to: "2026-12-01" }, problem: /after the to date/ },
  { raw: { actor: "'; DROP TABLE" }, problem: /person is unknown/ },
])("drops an unusable filter and says so: $raw", ({ raw, problem }) => {
  const p = parseAuditListParams(raw);
  expect(p.from).toBeUndefined();
  expect(p.actor).toBeUndefined();
  expect(p.problems.join(" ")).toMatch(problem);
});

test("the system stands for entries without a person, and repeated or long values are cut", () => {
  expect(parseAuditListParams({ actor: "system" }).actor).toBe("system");
  expect(parseAuditListParams({ action: ["run.start", "demo.reset"] }).action).toBe("run.start");
  expect(parseAuditListParams({ id: "x".repeat(500) }).id).toBeUndefined();
  expect(parseAuditListParams({ page: "-4" }).page).toBe(1);
});
