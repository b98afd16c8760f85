// Saving a batch of decisions: one capacity transaction that holds and writes them together, and,
// when that transaction fails, the same customers one at a time so that one bad decision fails
// only its own customer.
import type { CapacityStore, DecisionRecord } from "../allocation/ports";
import { allocateBatch } from "./allocate";
import type { AllocateDeps } from "./batch-scope";
import type { Decided, Failed, Outcome } from "./decide";
import { failedRecord } from "./records";

/** What a batch left in the database; `error` is the outage that stopped it part way. */
export type SavedBatch = { records: DecisionRecord[]; superseded: number; error?: Error };

/** Saves the batches of run `runId` through `store`. */
export function createBatchSaver(deps: AllocateDeps & { store: CapacityStore; runId: string; /** Hold in the items' order (a plan's), not by priority. */ isInOrder?: boolean }): (items: Outcome[]) => Promise<SavedBatch> {
  const { store, runId } = deps;

  /** One capacity transaction for `items`; if it fails, their traces are put back as they were. */
  async function transactBatch(items: Outcome[]): Promise<{ records: DecisionRecord[]; superseded: number }> {
    const traceLengths = items.map((i) => (i.kind === "missing" ? 0 : i.trace.length));
    try {
      return await store.transact(async (capacity) => {
        const inBatch = items.filter((i): i is Decided => i.kind === "decided");
        const decided = deps.isInOrder ? inBatch : inBatch.sort((a, b) => b.priority - a.priority);
        const { records, superseded } = await allocateBatch({ ...deps, capacity }, decided);
        for (const item of items) if (item.kind === "failed") records.push(failedRecord(item, runId));
        return { value: { records, superseded: superseded.length }, writes: { decisions: records, superseded } };
      });
    } catch (err) {
      items.forEach((item, n) => {
        if (item.kind !== "missing") item.trace.length = traceLengths[n]!;
      });
      throw err;
    }
  }

  /**
   * Saves a batch. When its transaction fails, the customers are saved one at a time, so a
   * decision that cannot be stored fails only its own customer (recorded with the reason); when
   * even that record cannot be written, the database is out and the run stops.
   */
  return async function saveBatch(items: Outcome[]): Promise<SavedBatch> {
    const records: DecisionRecord[] = [];
    let superseded = 0;
    /** Records `item` as failed because its decision could not be stored; the outage when even that fails. */
    const storeAsFailed = async (item: Decided | Failed, err: unknown): Promise<Error | null> => {
      console.error(`[orchestrator] run ${runId}: the decision for customer ${item.customerId} could not be stored`, err);
      if (item.kind === "failed") return err as Error;
      const failed: Failed = { kind: "failed", id: item.id, customerId: item.customerId, reason: "The decision could not be stored (the error is in the server log); no capacity was taken.", trace: item.trace, policy: item.decision.policy };
      try {
        records.push(...(await transactBatch([failed])).records);
        return null;
      } catch (outage) {
        return outage as Error;
      }
    };
    try {
      return await transactBatch(items);
    } catch (batchError) {
      const stored = items.filter((i): i is Decided | Failed => i.kind !== "missing");
      // Alone in its batch, the customer's own transaction has just failed: record the failure.
      if (stored.length === 1) {
        const error = await storeAsFailed(stored[0]!, batchError);
        return { records, superseded, ...(error ? { error } : {}) };
      }
      // One at a time in the batch's own order: highest priority first, then the failures.
      const byPriority = stored.filter((i): i is Decided => i.kind === "decided").sort((a, b) => b.priority - a.priority);
      for (const item of [...byPriority, ...stored.filter((i): i is Failed => i.kind === "failed")]) {
        try {
          const saved = await transactBatch([item]);
          records.push(...saved.records);
          superseded += saved.superseded;
        } catch (err) {
          // Not even a failure can be written: stop, counting what this batch did save.
          const error = await storeAsFailed(item, err);
          if (error) return { records, superseded, error };
        }
      }
      return { records, superseded };
    }
  };
}
