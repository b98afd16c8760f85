// A command that waits for its run (npm run pipeline) works the queue itself only while no worker
// is alive to: it joins nobody's machine uninvited, and a run started with every worker down, or
// whose workers all die while it waits, still completes.
import type pg from "pg";
import { databaseFailureMessage } from "../database/outage";
import { HEARTBEAT_SECONDS, countLiveWorkers } from "./heartbeat";
import { repeatEvery } from "./repeat";
import type { Worker } from "./worker";

export type Standby = {
  /** Whether this command's own worker has started. */
  readonly isWorking: boolean;
  /** Stops watching, and this command's own worker when it started one. */
  stop(): Promise<void>;
};

/**
 * Starts a worker through `start` now if no worker is alive, otherwise looks again every
 * `intervalMs` (a heartbeat by default) and starts one once two looks in a row find none: after a
 * database outage every worker's last beat is old until its next one, so one look is not enough. A
 * look the database refuses (an outage) is skipped: the caller's own wait reports the outage.
 */
export async function standByToWork(
  pool: Pick<pg.Pool, "query">,
  opts: { start: () => Promise<Worker>; log: (message: string) => void; intervalMs?: number },
): Promise<Standby> {
  let worker: Worker | null = null;
  const startOwn = async (message: string) => {
    opts.log(message);
    worker = await opts.start();
  };

  const first = await countLiveWorkers(pool);
  if (first === 0) await startOwn("No worker is taking jobs: this command works the run itself.");
  else opts.log(`${first} worker${first === 1 ? " is" : "s are"} taking jobs: the run goes to ${first === 1 ? "it" : "them"}, and this command works it itself only if none is left.`);

  /** Looks in a row that found no live worker. */
  let emptyLooks = 0;
  const looks = repeatEvery(opts.intervalMs ?? HEARTBEAT_SECONDS * 1000, async () => {
    if (worker) return;
    let live: number;
    try {
      live = await countLiveWorkers(pool);
    } catch (err) {
      // An outage breaks the run of empty looks; anything else is said, and the command keeps waiting.
      emptyLooks = 0;
      if (databaseFailureMessage(err) === null) opts.log(`Could not read which workers are alive: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    emptyLooks = live === 0 ? emptyLooks + 1 : 0;
    if (emptyLooks < 2) return;
    // A worker that cannot start now (the database went) is tried again at the next look.
    await startOwn("No worker is taking jobs any more: this command works the run itself from here.").catch((err: unknown) =>
      opts.log(`Could not start this command's worker: ${err instanceof Error ? err.message : String(err)}. Trying again shortly.`),
    );
  });
  return {
    get isWorking() {
      return worker !== null;
    },
    async stop() {
      // The look in hand ends first: a worker it starts is stopped with the rest.
      await looks.stop();
      await (worker as Worker | null)?.stop();
    },
  };
}
