// Deterministic decisions on worker threads (a piscina pool), for runs started from the command
// line (tsx): each thread decides whole chunks with its own agents and connections, while the run's
// own thread holds capacity and writes. Language-model decisions wait on the network and stay on one thread.
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { TreatmentDefinition } from "../../agents/domain";
import type { Outcome } from "../../agents/orchestrator";
import type { ContactPolicy } from "../../agents/rules/contact-policy";
import type { DecideWorkerData, DecideWorkerReady } from "./decide-worker";

export type DecideWorkers = {
  readonly size: number;
  /** Resolves once every thread has loaded its agents (or rejects when one could not start). */
  ready(): Promise<void>;
  /** Steps 1–4 for these customers on the least busy thread. */
  decideMany(customerIds: string[]): Promise<Outcome[]>;
  /** Ends every thread after its current chunk. */
  close(): Promise<void>;
};

/** `contactPolicy` is the one the run was started with (lib/pipeline/contact-policy.ts); absent decides without one. */
export function startDecideWorkers(opts: { databaseUrl: string; catalog: TreatmentDefinition[]; contactPolicy?: ContactPolicy | null; count: number }): DecideWorkers {
  const count = Math.max(1, Math.floor(opts.count));
  const workerData: DecideWorkerData = {
    entry: new URL("./decide-worker.ts", import.meta.url).href,
    databaseUrl: opts.databaseUrl,
    catalog: opts.catalog,
    contactPolicy: opts.contactPolicy ?? null,
  };
  const pool = new Piscina<string[], Outcome[]>({
    // Plain JavaScript that registers tsx in the thread before it loads the TypeScript worker.
    filename: fileURLToPath(new URL("./boot.mjs", import.meta.url)),
    workerData,
    minThreads: count,
    maxThreads: count,
    // Two chunks per thread: one loads its customers while the other is decided (runs keep one chunk more in flight than threads).
    concurrentTasksPerWorker: 2,
    // A thread waiting for work keeps its event loop running, so its database connections are looked after.
    atomics: "disabled",
    // A thread that does not finish its chunk within a few seconds of close() is stopped.
    closeTimeout: 5_000,
  });

  let readyCount = 0;
  let failure: Error | null = null;
  let started: { resolve: () => void; reject: (err: Error) => void } = { resolve: () => {}, reject: () => {} };
  const isReady = new Promise<void>((resolve, reject) => (started = { resolve, reject }));
  // Nobody may wait for it; a failed start is reported through decideMany as well.
  isReady.catch(() => {});
  pool.on("message", (message: DecideWorkerReady) => {
    if (message?.ready && ++readyCount === count) started.resolve();
  });
  // A thread that fails with no chunk in hand reports here (piscina fails the chunks a thread had in
  // hand itself, and replaces the thread). One that cannot even load its agents would fail again, so
  // the pool stops: chunks already queued are refused instead of waiting for a thread forever.
  pool.on("error", (err: Error) => {
    if (readyCount >= count || failure) return;
    failure = new Error(`A decision thread could not start: ${err.message}`, { cause: err });
    started.reject(failure);
    void pool.destroy();
  });

  return {
    size: count,
    ready: () => isReady,
    async decideMany(customerIds) {
      try {
        if (failure) throw failure;
        return await pool.run(customerIds);
      } catch (err) {
        const reason = failure ?? (err as Error);
        throw new Error(`Deciding a chunk failed: ${reason.message}`, { cause: reason });
      }
    },
    async close() {
      await pool.close();
    },
  };
}
