// The fake OpenAI server on a thread of its own, for benchmarks: a real model server is another
// process, so the run being measured should not also pay for answering its own requests.
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { startFakeOpenAIServer } from "./fake-openai-server";

type ThreadData = { entry: string; latencyMs: number };
type ThreadMessage = { baseURL: string } | { closed: true };

/** Starts the fake server (default answers, fixed latency, nothing recorded) on a worker thread. */
export async function startFakeOpenAIServerThread(opts: { latencyMs: number }): Promise<{ baseURL: string; close(): Promise<void> }> {
  const workerData: ThreadData = { entry: new URL("./fake-openai-thread.ts", import.meta.url).href, latencyMs: opts.latencyMs };
  const worker = new Worker(new URL("./thread-boot.mjs", import.meta.url), { workerData });
  const baseURL = await new Promise<string>((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", (m: ThreadMessage) => ("baseURL" in m ? resolve(m.baseURL) : reject(new Error("The fake server thread closed at start"))));
  });
  return {
    baseURL,
    async close() {
      const closed = new Promise<void>((resolve) => worker.once("message", () => resolve()));
      worker.postMessage("close");
      await Promise.race([closed, new Promise((r) => setTimeout(r, 5_000).unref())]);
      await worker.terminate();
    },
  };
}

if (!isMainThread && parentPort && (workerData as ThreadData | null)?.entry?.endsWith("fake-openai-thread.ts")) {
  const port = parentPort;
  const server = await startFakeOpenAIServer({ latencyMs: (workerData as ThreadData).latencyMs, isRecording: false });
  port.postMessage({ baseURL: server.baseURL } satisfies ThreadMessage);
  port.on("message", async () => {
    await server.close();
    port.postMessage({ closed: true } satisfies ThreadMessage);
    port.close();
  });
}
