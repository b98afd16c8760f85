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
    const loop = repeatEvery(10, async () => {
      started++;
      await new Promise<void>((r) => (release = r));
    });
    await expect.poll(() => started).toBe(1);
    // Ten ticks go by while the first run waits (a stalled database).
    await sleep(120);
    expect(started).toBe(1);
    release();
    // The next tick runs it once more, and no backlog follows.
    await expect.poll(() => started).toBe(2);
    release();
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
