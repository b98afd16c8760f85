// Deciding one chunk of a run: its customers loaded in one round trip, then decided several at a
// time, with a look at whether the run should stop every few customers, so a cancel or a deadline
// is felt within a fraction of a chunk. Written by hand: lib/agents may import only itself and zod.
import type { Outcome } from "./decide";

/** Customers decided between two looks at whether the run should stop. */
const STOP_CHECK_EVERY = 100;

export type DecideChunkOptions<T = Outcome> = {
  runId: string;
  /** Each customer once. */
  customerIds: string[];
  /** Customers decided at once (each may wait on the model). */
  concurrency: number;
  /** One customer's outcome, or what the caller keeps of it (its rows, written out as soon as it is decided). */
  decide(customerId: string): Promise<T>;
  /** Loads the chunk's customers in one round trip, ahead of deciding them one by one. */
  prefetch(customerIds: string[]): Promise<unknown>;
  /** True once the run is cancelled or past its deadline; asked before the chunk and every 100 customers. */
  isStopRequested(): Promise<boolean>;
};

/** Decides every customer of a chunk, in the chunk's order; `isStopped` when a stop was seen first (outcomes then partial). */
export async function decideChunk<T = Outcome>(opts: DecideChunkOptions<T>): Promise<{ outcomes: T[]; isStopped: boolean }> {
  const { runId, customerIds } = opts;
  if (await opts.isStopRequested()) return { outcomes: [], isStopped: true };
  // A chunk that cannot be loaded at once is not fatal: each customer is then read on its own, and
  // one that still cannot be read fails alone.
  await opts.prefetch(customerIds).catch((err: unknown) => {
    // One line: the failure is handled here, and a stack trace in the log reads like a crash.
    console.error(`[orchestrator] run ${runId}: loading ${customerIds.length} customers at once failed (${err instanceof Error ? err.message : String(err)}); reading them one by one`);
  });
  const outcomes: (T | undefined)[] = new Array(customerIds.length);
  let next = 0;
  let sinceCheck = 0;
  let isStopped = false;
  let check: Promise<void> | null = null;
  const lookForStop = async () => {
    // One look at a time: the customers decided meanwhile wait for the same answer.
    check ??= opts.isStopRequested().then((stop) => {
      if (stop) isStopped = true;
      check = null;
    });
    await check;
  };
  const worker = async () => {
    while (!isStopped && next < customerIds.length) {
      const index = next++;
      outcomes[index] = await opts.decide(customerIds[index]!);
      if (++sinceCheck >= STOP_CHECK_EVERY) {
        sinceCheck = 0;
        await lookForStop();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, opts.concurrency), Math.max(1, customerIds.length)) }, worker));
  return { outcomes: outcomes.filter((o): o is T => o !== undefined), isStopped };
}
