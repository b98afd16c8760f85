import { describe, expect, test } from "vitest";
import { repeatEvery } from "./repeat";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("repeatEvery", () => {
  test("runs the task every interval", async () => {
    let runs = 0;
    const loop = repeatEvery(20, async () => void runs++);
    await expect.poll(() => runs).toBeGreaterThanOrEqual(3);
    await loop.stop();
  });

  test("a tick that finds the task still running is skipped, not queued behind it", async () => {
    let started = 0;
    let release: () => void = () => {};
    const firstRun = new Promise<void>((r) => (release = r));
    // The first run waits (a stalled database); later ones end at once.
    const loop = repeatEvery(10, async () => {
      if (started++ === 0) await firstRun;
    });
    await expect.poll(() => started).toBe(1);
    // Ten ticks go by while it waits.
    await sleep(120);
    expect(started).toBe(1);
    release();
    // Queued ticks would all run now, one after another; skipped ones leave none behind (the next
    // tick, due already, may have run once).
    await sleep(0);
    expect(started).toBeLessThanOrEqual(2);
    await expect.poll(() => started).toBeGreaterThanOrEqual(2);
    await loop.stop();
  });

  test("stop waits for the run in hand, and nothing runs after it", async () => {
    const events: string[] = [];
    let release: () => void = () => {};
    const loop = repeatEvery(10, async () => {
      events.push("start");
      await new Promise<void>((r) => (release = r));
      events.push("end");
    });
    await expect.poll(() => events.length).toBe(1);
    const stopped = loop.stop().then(() => events.push("stopped"));
    await sleep(50);
    expect(events).toEqual(["start"]);
    release();
    await stopped;
    await sleep(50);
    expect(events).toEqual(["start", "end", "stopped"]);
  });

  test("a task that throws is run again at the next tick", async () => {
    let runs = 0;
    const loop = repeatEvery(10, async () => {
      runs++;
      throw new Error("the database went");
    });
    await expect.poll(() => runs).toBeGreaterThanOrEqual(3);
    await loop.stop();
  });
});
