// A worker's background chores (its heartbeat, the deadline sweep) and a waiting command's look for
// live workers: each a task run every few seconds that must neither overlap itself nor pile up
// while the database stalls, nor keep the process alive, and whose stop waits for the run in hand.

export type Repeating = {
  /** Stops the ticks and resolves once the run in hand (if any) has ended. */
  stop(): Promise<void>;
};

/**
 * Runs `task` every `intervalMs`. A tick that finds the previous run still going is skipped, so a
 * stalled database costs one waiting run, not a queue of them. A task that throws is the task's own
 * concern: its error is dropped here, and the next tick runs it again.
 */
export function repeatEvery(intervalMs: number, task: () => Promise<unknown>): Repeating {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = task().then(
      () => undefined,
      () => undefined,
    );
    void running.finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
