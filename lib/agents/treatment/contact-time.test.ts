import { describe, expect, it } from "vitest";
import { formatLocal, localMinuteOfDay, nextAllowedInstant } from "./contact-time";

/** The same wall time read straight from Intl, with no caching. */
function intlLocal(instantMs: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(new Date(instantMs))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

const zones = ["Europe/London", "America/New_York", "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "UTC", "Asia/Kolkata"];

describe("local wall-clock time", () => {
  it("agrees with Intl minute by minute across daylight-saving changes", () => {
    // 2026-03-29 01:00 UTC: London springs forward; 2026-10-25 01:00 UTC: it falls back.
    const changes = [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1), Date.UTC(2026, 2, 8, 7), Date.UTC(2026, 3, 5, 15), Date.UTC(2026, 9, 3, 15, 30)];
    for (const zone of zones) {
      for (const change of changes) {
        for (let m = -90; m <= 90; m += 1) {
          const t = change + m * 60_000 + 17_000;
          expect(formatLocal(t, zone), `${zone} at ${new Date(t).toISOString()}`).toBe(intlLocal(t, zone));
        }
      }
    }
  });

  it("agrees with Intl at scattered instants over several years", () => {
    let t = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 3000; i++) {
      t += 7_919_999 + i * 1_013; // irregular steps, not aligned to minutes
      const zone = zones[i % zones.length]!;
      expect(formatLocal(t, zone)).toBe(intlLocal(t, zone));
      const [hh, mm] = intlLocal(t, zone).slice(11).split(":").map(Number);
      expect(localMinuteOfDay(t, zone)).toBe(hh! * 60 + mm!);
    }
  });

  it("finds the next allowed minute after the clocks go back", () => {
    // 2026-10-25 00:30 UTC is 01:30 BST; the window opens at 09:00 GMT (= 09:00 UTC) that day.
    const next = nextAllowedInstant({ nowMs: Date.UTC(2026, 9, 25, 0, 30), timeZone: "Europe/London", window: { start: 9 * 60, end: 17 * 60 }, dnd: null });
    expect(new Date(next!).toISOString()).toBe("2026-10-25T09:00:00.000Z");
  });
});
