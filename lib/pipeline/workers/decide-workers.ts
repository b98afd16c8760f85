// Deterministic decisions on worker threads, for runs started from the command line (tsx): each
// thread decides whole chunks with its own agents and connections, while the run's own thread
// holds capacity and writes. Language-model decisions wait on the network and stay on one thread.
import { Worker } from "node:worker_threads";
import type { TreatmentDefinition } from "../../agents/domain";
import type { Outcome } from "../../agents/orchestrator";
import type { DecideReply, DecideRequest, DecideWorkerData } from "./decide-worker";

export type DecideWorkers = {
  readonly size: number;
  /** Resolves once every thread has loaded its agents (or rejects when one could not start). */
  ready(): Promise<void>;
  /** Steps 1–4 for these customers on the least busy thread. */
  decideMany(customerIds: string[]): Promise<Outcome[]>;
  /** Ends every thread after its current chunk. */
  close(): Promise<void>;
};

type Pending = { resolve: (outcomes: Outcome[]) => void; reject: (err: Error) => void };
type Thread = { worker: Worker; pending: Map<number, Pending>; failure: Error | null; started: Promise<void> };

export function startDecideWorkers(opts: { databaseUrl: string; catalog: TreatmentDefinition[]; count: number }): DecideWorkers {
  const count = Math.max(1, Math.floor(opts.count));
  let nextRequestId = 1;
  const closing = new Map<number, () => void>();
  const threads: Thread[] = Array.from({ length: count }, () => {
    const workerData: DecideWorkerData = {
      entry: new URL("./decide-worker.ts", import.meta.url).href,
      databaseUrl: opts.databaseUrl,
      catalog: opts.catalog,
    };
    const worker = new Worker(new URL("./boot.mjs", import.meta.url), { workerData });
    let onStarted: { resolve: () => void; reject: (err: Error) => void } = { resolve: () => {}, reject: () => {} };
    const started = new Promise<void>((resolve, reject) => (onStarted = { resolve, reject }));
    // Nobody may wait for it; a failed start is reported through decideMany as well.
    started.catch(() => {});
    const thread: Thread = { worker, pending: new Map(), failure: null, started };
    thread.worker.on("message", (reply: DecideReply) => {
      if ("ready" in reply) return onStarted.resolve();
      if ("closed" in reply) return closing.get(reply.requestId)?.();
      const waiting = thread.pending.get(reply.requestId);
      if (!waiting) return;
      thread.pending.delete(reply.requestId);
      if ("error" in reply) waiting.reject(new Error(`Deciding a chunk failed: ${reply.error}`));
      else waiting.resolve(reply.outcomes);
    });
    const failAll = (err: Error) => {
      thread.failure = err;
      onStarted.reject(err);
      for (const waiting of thread.pending.values()) waiting.reject(err);
      thread.pending.clear();
    };
    thread.worker.on("error", (err) => failAll(err));
    thread.worker.on("exit", (code) => {
      if (thread.pending.size > 0) failAll(new Error(`A decision thread stopped (exit code ${code}) with work in hand`));
    });
    return thread;
  });

  return {
    size: count,
    async ready() {
      await Promise.all(threads.map((t) => t.started));
    },
    decideMany(customerIds) {
      const live = threads.filter((t) => !t.failure);
      if (live.length === 0) return Promise.reject(threads[0]!.failure ?? new Error("No decision thread is running"));
      const thread = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const requestId = nextRequestId++;
      return new Promise<Outcome[]>((resolve, reject) => {
        thread.pending.set(requestId, { resolve, reject });
        thread.worker.postMessage({ requestId, customerIds } satisfies DecideRequest);
      });
    },
    async close() {
      await Promise.all(
        threads.map(async (t) => {
          if (t.failure) return void (await t.worker.terminate());
          const requestId = nextRequestId++;
          const closed = new Promise<void>((resolve) => closing.set(requestId, resolve));
          t.worker.postMessage({ requestId, close: true } satisfies DecideRequest);
          // A thread that does not answer within a few seconds is stopped.
          await Promise.race([closed, new Promise((r) => setTimeout(r, 5_000).unref())]);
          await t.worker.terminate();
        }),
      );
    },
  };
}
