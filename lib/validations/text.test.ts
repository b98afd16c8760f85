import { expect, test } from "vitest";
import { plainText } from "./text";

const reason = plainText("The reason", { min: 3, max: 20 });

test.each([
  { input: "  Moved to email  ", ok: true, value: "Moved to email" },
  { input: "Price < 5 and > 2", ok: true, value: "Price < 5 and > 2" },
  { input: "<b>bold</b>", ok: false, message: /markup/ },
  { input: "< script>", ok: false, message: /markup/ },
  { input: "&lt;x&gt;", ok: false, message: /markup/ },
  { input: "<!-- note -->", ok: false, message: /markup/ },
  { input: "tab\tis fine", ok: true, value: "tab\tis fine" },
  { input: "bell\u0007", ok: false, message: /control characters/ },
  { input: "no", ok: false, message: /at least 3/ },
  { input: "x".repeat(21), ok: false, message: /at most 20/ },
  { input: 12, ok: false, message: /must be text/ },
])("$input → ok: $ok", ({ input, ok, value, message }) => {
  const parsed = reason.safeParse(input);
  expect(parsed.success).toBe(ok);
  if (parsed.success) expect(parsed.data).toBe(value);
  else expect(parsed.error.issues[0]?.message).toMatch(message!);
});
