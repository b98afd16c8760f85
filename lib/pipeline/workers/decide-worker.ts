// A worker thread that decides customers with the deterministic policy: its own PostgreSQL
// connections and its own data, journey and treatment agents. It answers each chunk with the
// outcomes of steps 1–4; the run's thread holds capacity and writes them.
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import { createDataAgent } from "../../agents/data/data-agent";
import type { TreatmentDefinition } from "../../agents/domain";
import { createJourneyAgent } from "../../agents/journey/journey-agent";
import { type Outcome, createDecider } from "../../agents/orchestrator";
import { createTreatmentAgent } from "../../agents/treatment/treatment-agent";
import { createCustomerCache } from "../customer-cache";
import { createPgCustomerSource } from "../customer-source";

export type DecideWorkerData = { entry: string; databaseUrl: string; catalog: TreatmentDefinition[] };
export type DecideRequest = { requestId: number; customerIds: string[] } | { requestId: number; close: true };
export type DecideReply =
  | { requestId: number; outcomes: Outcome[] }
  | { requestId: number; error: string }
  | { requestId: number; closed: true }
  | { ready: true };

const port = parentPort;
if (!port) throw new Error("decide-worker runs as a worker thread");
const { databaseUrl, catalog } = workerData as DecideWorkerData;

const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
// An idle connection cut by the server is replaced on the next query; unheard, its error would stop the thread.
pool.on("error", (err) => console.error("[decide-worker] an idle database connection failed; it will be replaced", err));
const data = createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache({ maxEntries: 2_000 }) });
const { decide } = createDecider({ data, journey: createJourneyAgent(), treatment: createTreatmentAgent({ catalog, model: null }), policy: "rules" });

port.postMessage({ ready: true } satisfies DecideReply);

port.on("message", async (request: DecideRequest) => {
  if ("close" in request) {
    await pool.end();
    port.postMessage({ requestId: request.requestId, closed: true } satisfies DecideReply);
    port.close();
    return;
  }
  try {
    const loaded = await data.process({ type: "prefetch_customers", customerIds: request.customerIds });
    if (!loaded.ok) throw new Error(loaded.error.reason);
    const outcomes: Outcome[] = [];
    for (const customerId of request.customerIds) outcomes.push(await decide(customerId));
    // Loaded customers are not needed again by this chunk.
    await data.process({ type: "clear_cache" });
    port.postMessage({ requestId: request.requestId, outcomes } satisfies DecideReply);
  } catch (err) {
    port.postMessage({ requestId: request.requestId, error: (err as Error).message } satisfies DecideReply);
  }
});
