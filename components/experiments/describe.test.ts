import { expect, test } from "vitest";
import { experimentStatus } from "@/lib/agents/evaluation/experiments";
import { STATUS_LABELS, periodFor } from "./describe";

// One experiment seen at different moments: both screens word it from its status at that moment.
const e = { startsAt: "2026-12-01T00:00:00.000Z", endsAt: "2026-12-31T00:00:00.000Z", stoppedAt: null };

test.each([
  { title: "scheduled a millisecond before its start, showing only its start", at: "2026-11-30T23:59:59.999Z", stoppedAt: null, label: "Scheduled", when: "starts 1 Dec 2026" },
  { title: "running from its start", at: "2026-12-01T00:00:00.000Z", stoppedAt: null, label: "Running", when: "1 Dec 2026 to 31 Dec 2026" },
  { title: "ended from its end, not merely not running", at: "2026-12-31T00:00:00.000Z", stoppedAt: null, label: "Ended", when: "1 Dec 2026 to 31 Dec 2026" },
  { title: "stopped from its stop, with the stop as its last day", at: "2026-12-10T12:00:00.000Z", stoppedAt: "2026-12-10T12:00:00.000Z", label: "Stopped", when: "1 Dec 2026 to 10 Dec 2026" },
  { title: "stopped before its start, saying so", at: "2026-11-20T00:00:00.000Z", stoppedAt: "2026-11-15T00:00:00.000Z", label: "Stopped", when: "stopped 15 Nov 2026, before its start on 1 Dec 2026" },
])("$title", ({ at, stoppedAt, label, when }) => {
  const status = experimentStatus({ ...e, stoppedAt }, new Date(at));
  expect(STATUS_LABELS[status]).toBe(label);
  expect(periodFor({ ...e, stoppedAt }, status)).toBe(when);
});
