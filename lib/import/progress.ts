// The command line's progress line for an import: rows read and rows per second while the file
// streams (its row count is unknown until the end), then a bar of rows written out of the total.
// Written by hand: progress-bar libraries need a known total, which a streamed file lacks.
import type { ImportProgress } from "./report";

const count = (n: number) => n.toLocaleString("en-GB");
const rows = (n: number) => `${count(n)} ${n === 1 ? "row" : "rows"}`;
const BAR_WIDTH = 24;

/** One line describing `progress`, `elapsedMs` after the phase began. */
export function formatProgress(progress: ImportProgress, elapsedMs: number): string {
  const done = progress.phase === "reading" ? progress.rowsRead : (progress.written ?? 0);
  const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
  if (progress.phase === "reading") return `reading ${rows(progress.rowsRead)} · ${count(rate)} rows/s`;
  const total = progress.total ?? 0;
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * BAR_WIDTH);
  return `writing [${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${Math.round(share * 100)}% ${count(done)} of ${count(total)} · ${count(rate)} rows/s`;
}

/**
 * Reports progress on `stream`: redrawn in place on a terminal, otherwise one line every
 * `intervalMs` (and at each change of phase) so logs stay short.
 */
export function createProgressReporter(opts: { stream: NodeJS.WriteStream; now?: () => number; intervalMs?: number }) {
  const now = opts.now ?? (() => performance.now());
  const interval = opts.intervalMs ?? (opts.stream.isTTY ? 100 : 5000);
  let phase: ImportProgress["phase"] | null = null;
  let phaseStart = 0;
  let lastDrawn = -Infinity;
  let isLineOpen = false;
  return {
    report(progress: ImportProgress): void {
      const t = now();
      const isNewPhase = progress.phase !== phase;
      if (isNewPhase) {
        phase = progress.phase;
        phaseStart = t;
      }
      if (!isNewPhase && t - lastDrawn < interval) return;
      lastDrawn = t;
      const line = `[import] ${formatProgress(progress, t - phaseStart)}`;
      if (opts.stream.isTTY) {
        opts.stream.write(`\r${line}\x1b[K`);
        isLineOpen = true;
      } else opts.stream.write(`${line}\n`);
    },
    /** Ends a line redrawn in place, so what follows starts on its own line. */
    end(): void {
      if (isLineOpen) opts.stream.write("\n");
      isLineOpen = false;
    },
  };
}
