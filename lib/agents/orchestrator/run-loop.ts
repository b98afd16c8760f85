// The run's schedule: customers are decided several at a time, their outcomes gathered into
// batches, and the batches saved one after another while deciding goes on, with deciding held back
// when saving falls behind. Written by hand: lib/agents may import only itself and zod.
import type { Outcome } from "./decide";

/** Batches that may wait for capacity while deciding goes on (chunked runs). */
const MAX_QUEUED_FLUSHES = 2;

export type RunLoopOptions = {
  runId: string;
  /** Each customer once. */
  customerIds: string[];
  /** Customers (or chunks, with `decideMany`) decided at once. */
  concurrency: number;
  /** Outcomes per saved batch. */
  batchSize: number;
  /** Customers loaded per data round trip, and per `decideMany` call. */
  chunkSize: number;
  decide(customerId: string): Promise<Outcome>;
  /** Decides a whole chunk elsewhere; when given, `decide` and `prefetch` are not used. */
  decideMany?: (customerIds: string[]) => Promise<Outcome[]>;
  /** Loads a chunk of customers in one round trip, ahead of deciding them one by one. */
  prefetch(customerIds: string[]): Promise<unknown>;
  /** Saves one batch. Batches are saved one at a time in the order they filled; a throw stops the run. */
  save(items: Outcome[]): Promise<{ isCancelRequested: boolean }>;
};

/** Decides and saves every customer; resolves with whether a cancel stopped it, rejects with the error that did. */
export async function runLoop(opts: RunLoopOptions): Promise<{ isCancelled: boolean }> {
  const { runId, customerIds, batchSize, chunkSize } = opts;
  let isCancelled = false;
  let stopError: Error | null = null;
  let pending: Outcome[] = [];
  let chain = Promise.resolve();
  let queuedFlushes = 0;
  const isRunning = () => !isCancelled && !stopError;

  const flush = (items: Outcome[]) => {
    queuedFlushes++;
    chain = chain.then(async () => {
      try {
        if (stopError) return;
        const answer = await opts.save(items);
        if (answer.isCancelRequested) isCancelled = true;
      } catch (err) {
        stopError = err as Error;
      } finally {
        queuedFlushes--;
      }
    });
    return chain;
  };

  const chunks: Promise<unknown>[] = [];
  const prefetch = (k: number) => {
    if (k * chunkSize >= customerIds.length || chunks[k]) return chunks[k];
    // A chunk that cannot be loaded at once is not fatal: each customer is then read on its own,
    // and one that still cannot be read fails alone.
    chunks[k] = opts.prefetch(customerIds.slice(k * chunkSize, (k + 1) * chunkSize)).catch((err: unknown) => {
      console.error(`[orchestrator] run ${runId}: loading customers ${k * chunkSize + 1}–${Math.min(customerIds.length, (k + 1) * chunkSize)} at once failed`, err);
    });
    return chunks[k];
  };

  let next = 0;
  const customerWorker = async () => {
    while (isRunning() && next < customerIds.length) {
      const index = next++;
      const k = Math.floor(index / chunkSize);
      await prefetch(k);
      // Load the next chunk while this one is being decided.
      void prefetch(k + 1);
      // Decide first, then push: `pending.push(await …)` would bind the array before the await,
      // and a batch flushed meanwhile would silently drop this customer.
      const outcome = await opts.decide(customerIds[index]!);
      pending.push(outcome);
      if (pending.length >= batchSize) {
        const items = pending;
        pending = [];
        // Wait for capacity to catch up, so decisions never pile up unbounded.
        await flush(items);
      }
    }
  };

  const decideMany = opts.decideMany;
  let nextChunk = 0;
  const chunkCount = Math.ceil(customerIds.length / chunkSize);
  const chunkWorker = async (decideChunk: (customerIds: string[]) => Promise<Outcome[]>) => {
    while (isRunning() && nextChunk < chunkCount) {
      const k = nextChunk++;
      let outcomes: Outcome[];
      try {
        outcomes = await decideChunk(customerIds.slice(k * chunkSize, (k + 1) * chunkSize));
      } catch (err) {
        stopError ??= err as Error;
        return;
      }
      pending.push(...outcomes);
      while (pending.length >= batchSize) {
        // Taken out synchronously, so no other chunk can push into a batch being flushed.
        const flushed = flush(pending.splice(0, batchSize));
        // Keep deciding while a couple of batches queue for capacity; wait when more pile up.
        if (queuedFlushes > MAX_QUEUED_FLUSHES) await flushed;
      }
    }
  };

  if (decideMany) await Promise.all(Array.from({ length: Math.min(opts.concurrency, Math.max(1, chunkCount)) }, () => chunkWorker(decideMany)));
  else await Promise.all(Array.from({ length: Math.min(opts.concurrency, Math.max(1, customerIds.length)) }, customerWorker));
  if (pending.length > 0) await flush(pending);
  await chain;
  if (stopError) throw stopError;
  return { isCancelled };
}
