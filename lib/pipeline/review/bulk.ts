// A selection of hundreds or thousands of decisions is reviewed batch by batch, one transaction per
// batch: a refusal (consent withdrawn, no room left) skips that decision only, a failed batch leaves
// the ones before it reviewed, and the reviewer sees progress between batches. The review queue
// drives the same loop from the browser, one server action per batch.
import type { ReviewOutcome } from "./types";

/** `ids` cut into batches of `size`, in order. */
export function batchesOf<T>(ids: readonly T[], size: number): T[][] {
  if (size < 1) throw new Error(`A batch holds at least one id, not ${size}`);
  const batches: T[][] = [];
  for (let i = 0; i < ids.length; i += size) batches.push(ids.slice(i, i + size));
  return batches;
}

/**
 * Reviews `ids` in batches of `batchSize` with `reviewBatch`, reporting after each; the outcomes
 * are merged in order. Invariant: every id is either done or skipped with a reason at the end.
 */
export async function reviewInBatches(opts: {
  ids: readonly string[];
  batchSize: number;
  reviewBatch: (ids: string[]) => Promise<ReviewOutcome>;
  onProgress?: (progress: { finished: number; total: number }) => void;
}): Promise<ReviewOutcome> {
  const merged: ReviewOutcome = { done: [], skipped: [] };
  let finished = 0;
  for (const batch of batchesOf(opts.ids, opts.batchSize)) {
    const outcome = await opts.reviewBatch(batch);
    merged.done.push(...outcome.done);
    merged.skipped.push(...outcome.skipped);
    finished += batch.length;
    opts.onProgress?.({ finished, total: opts.ids.length });
  }
  return merged;
}
