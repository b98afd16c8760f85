import { expect, test } from "vitest";
import { DEMO_GUIDE } from "./guide";

test("the guide has five to seven steps, each on its own screen", () => {
  expect(DEMO_GUIDE.length).toBeGreaterThanOrEqual(5);
  expect(DEMO_GUIDE.length).toBeLessThanOrEqual(7);
  const paths = DEMO_GUIDE.map((s) => new URL(s.href, "http://app.test").pathname);
  expect(new Set(paths).size).toBe(paths.length);
});

test.each(DEMO_GUIDE.map((s) => [s.title, s] as const))("%s links inside the app and says what to show", (_title, step) => {
  expect(step.href).toMatch(/^\/(?!\/)/);
  expect(step.show.length).toBeGreaterThan(0);
  expect(step.say.length).toBeGreaterThan(20);
});
