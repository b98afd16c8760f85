import { describe, expect, test } from "vitest";
import { getEnv } from "./env";

const envOf = (vars: Record<string, string>) => getEnv(vars as NodeJS.ProcessEnv);

describe("CONTROL_GROUP_SHARE", () => {
  test.each([
    { value: undefined, share: 0.05, title: "holds out 5% when unset" },
    { value: "", share: 0.05, title: "holds out 5% when set empty" },
    { value: "0", share: 0, title: "turns the control group off at 0" },
    { value: "0.5", share: 0.5, title: "accepts half, the most allowed" },
  ])("$title", ({ value, share }) => {
    expect(envOf(value === undefined ? {} : { CONTROL_GROUP_SHARE: value }).CONTROL_GROUP_SHARE).toBe(share);
  });

  test.each([
    { value: "0.51", reason: /at most 0.5/, title: "refuses holding out more than half" },
    { value: "-0.01", reason: /at least 0/, title: "refuses a negative share" },
    { value: "5%", reason: /CONTROL_GROUP_SHARE/, title: "refuses a percentage sign" },
  ])("$title", ({ value, reason }) => {
    expect(() => envOf({ CONTROL_GROUP_SHARE: value })).toThrow(reason);
  });
});
