import { expect, test } from "vitest";
import { createAttemptLimiter } from "./attempts";

test("allows max attempts per key in the window, refuses the next, and forgets them after the window", () => {
  const limiter = createAttemptLimiter({ max: 3, windowMs: 1000 });
  const keys = ["email:a@example.test", "ip:1.2.3.4"];
  expect([0, 1, 2].map((i) => limiter.hit(keys, i))).toEqual([true, true, true]);
  expect(limiter.hit(keys, 3)).toBe(false);
  expect(limiter.hit(["email:b@example.test", "ip:1.2.3.4"], 4)).toBe(false);
  expect(limiter.hit(["email:b@example.test", "ip:5.6.7.8"], 4)).toBe(true);
  expect(limiter.hit(keys, 1001)).toBe(true);
});

test("a successful sign-in clears the account's count", () => {
  const limiter = createAttemptLimiter({ max: 2, windowMs: 60_000 });
  limiter.hit(["email:a"], 0);
  limiter.hit(["email:a"], 1);
  expect(limiter.hit(["email:a"], 2)).toBe(false);
  limiter.clear("email:a");
  expect(limiter.hit(["email:a"], 3)).toBe(true);
});

test("memory stays bounded under a flood of new keys", () => {
  const limiter = createAttemptLimiter({ max: 1, windowMs: 60_000, maxKeys: 10 });
  for (let i = 0; i < 1000; i++) expect(limiter.hit([`ip:${i}`], i)).toBe(true);
  expect(limiter.hit(["ip:999"], 1000)).toBe(false);
  expect(limiter.hit(["ip:0"], 1000)).toBe(true);
});
