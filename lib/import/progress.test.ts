import { describe, expect, test } from "vitest";
import { createProgressReporter, formatProgress } from "./progress";

describe("formatProgress", () => {
  test.each([
    { progress: { phase: "reading" as const, rowsRead: 120_000 }, ms: 2000, line: "reading 120,000 rows · 60,000 rows/s" },
    { progress: { phase: "reading" as const, rowsRead: 0 }, ms: 0, line: "reading 0 rows · 0 rows/s" },
    { progress: { phase: "writing" as const, rowsRead: 10, written: 5, total: 10 }, ms: 1000, line: "writing [############------------] 50% 5 of 10 · 5 rows/s" },
    { progress: { phase: "writing" as const, rowsRead: 10, written: 10, total: 10 }, ms: 500, line: "writing [########################] 100% 10 of 10 · 20 rows/s" },
  ])("$line", ({ progress, ms, line }) => {
    expect(formatProgress(progress, ms)).toBe(line);
  });
});

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream };
}

describe("createProgressReporter", () => {
  test("off a terminal it writes one line per interval and one at each change of phase", () => {
    let t = 0;
    const { written, stream } = fakeStream(false);
    const reporter = createProgressReporter({ stream, now: () => t, intervalMs: 5000 });
    reporter.report({ phase: "reading", rowsRead: 1 });
    t = 4999;
    reporter.report({ phase: "reading", rowsRead: 2 });
    t = 5000;
    reporter.report({ phase: "reading", rowsRead: 50_000 });
    t = 5001;
    reporter.report({ phase: "writing", rowsRead: 50_000, written: 0, total: 50_000 });
    reporter.end();
    expect(written).toEqual([
      "[import] reading 1 row · 0 rows/s\n",
      "[import] reading 50,000 rows · 10,000 rows/s\n",
      "[import] writing [------------------------] 0% 0 of 50,000 · 0 rows/s\n",
    ]);
  });

  test("on a terminal it redraws one line in place and ends it", () => {
    const { written, stream } = fakeStream(true);
    const reporter = createProgressReporter({ stream, now: () => 0 });
    reporter.report({ phase: "reading", rowsRead: 3 });
    reporter.end();
    expect(written).toEqual(["\r[import] reading 3 rows · 0 rows/s\x1b[K", "\n"]);
  });
});
