// A command that waits for its run (npm run pipeline) works the queue itself only while no worker
// is alive to: it joins nobody's machine uninvited, and a run started with every worker down, or
// whose workers all die while it waits, still completes.
import type pg from "pg";
import { HEARTBEAT_SECONDS, countLiveWorkers } from "./heartbeat";
import type { Worker } from "./worker";

export type Standby = {
  /** Whether this command's own worker has started. */
  readonly isWorking: boolean;
  /** Stops watching, and this command's own worker when it started one. */
  stop(): Promise<void>;
};

/**
 * Starts a worker through `start` now if no worker is alive, otherwise looks again every
 * `intervalMs` (a heartbeat by default) and starts one once the last live worker has gone quiet. A
 * look the database refuses (an outage) is skipped: the caller's own wait reports the outage.
 */
export async function standByToWork(
  pool: Pick<pg.Pool, "query">,
  opts: { start: () => Promise<Worker>; log: (message: string) => void; intervalMs?: number },
): Promise<Standby> {
  let worker: Worker | null = null;
  let isStopped = false;
  const look = async (isFirst: boolean) => {
    const live = await countLiveWorkers(pool).catch(() => null);
    if (live === null || worker || isStopped) return;
    if (live > 0) {
      if (isFirst) opts.log(`${live} worker${live === 1 ? " is" : "s are"} taking jobs: the run goes to ${live === 1 ? "it" : "them"}, and this command works it itself only if none is left.`);
      return;
    }
    opts.log(isFirst ? "No worker is taking jobs: this command works the run itself." : "No worker is taking jobs any more: this command works the run itself from here.");
    worker = await opts.start();
  };
  await look(true);
  let last = Promise.resolve();
  // A worker that cannot start now (the database went) is tried again at the next look.
  const lookAgain = () => look(false).catch((err: unknown) => opts.log(`Could not start this command's worker: ${err instanceof Error ? err.message : String(err)}. Trying again shortly.`));
  const timer = worker ? null : setInterval(() => void (last = last.then(lookAgain)), opts.intervalMs ?? HEARTBEAT_SECONDS * 1000);
  return {
    get isWorking() {
      return worker !== null;
    },
    async stop() {
      isStopped = true;
      if (timer) clearInterval(timer);
      await last;
      await (worker as Worker | null)?.stop();
    },
  };
}
