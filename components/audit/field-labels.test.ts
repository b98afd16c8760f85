import { expect, test } from "vitest";
import { fieldLabel } from "./field-labels";

test.each([
  { field: "reservedHighValue", label: "High-value reserve" },
  { field: "ipAddress", label: "IP address" },
  { field: "sessionsEnded", label: "Sessions ended" },
  { field: "userAgent", label: "User agent" },
  { field: "expected_effect", label: "Expected effect" },
  { field: "role", label: "Role" },
])("fieldLabel($field) is $label: listed names first, otherwise the code name in words", ({ field, label }) => {
  expect(fieldLabel(field)).toBe(label);
});
