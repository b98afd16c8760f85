// A worker thread that decides customers with the deterministic policy: its own PostgreSQL
// connections and its own data, journey and treatment agents. Each task is one chunk, answered
// with the outcomes of steps 1–4; the run's thread holds capacity and writes them.
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import { createDataAgent } from "../../agents/data/data-agent";
import type { TreatmentDefinition } from "../../agents/domain";
import { createJourneyAgent } from "../../agents/journey/journey-agent";
import { type Outcome, createDecider } from "../../agents/orchestrator";
import type { ContactPolicy } from "../../agents/rules/contact-policy";
import { createTreatmentAgent } from "../../agents/treatment/treatment-agent";
import { createCustomerCache } from "../customer-cache";
import { createPgCustomerSource } from "../customer-source";

/** `contactPolicy` is the one the run started with; null decides without one. */
export type DecideWorkerData = { entry: string; databaseUrl: string; catalog: TreatmentDefinition[]; contactPolicy: ContactPolicy | null };
/** Posted once this thread has loaded its agents. */
export type DecideWorkerReady = { ready: true };

if (!parentPort) throw new Error("decide-worker runs as a worker thread");
const { databaseUrl, catalog, contactPolicy } = workerData as DecideWorkerData;

const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
// An idle connection cut by the server is replaced on the next query; unheard, its error would stop the thread.
pool.on("error", (err) => console.error("[decide-worker] an idle database connection failed; it will be replaced", err));
const data = createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache({ maxEntries: 2_000 }) });
const { decide } = createDecider({ data, journey: createJourneyAgent(), treatment: createTreatmentAgent({ catalog, model: null, contactPolicy }), policy: "rules", catalog });

parentPort.postMessage({ ready: true } satisfies DecideWorkerReady);

/** Steps 1–4 for one chunk of customers, in order. */
export default async function decideChunk(customerIds: string[]): Promise<Outcome[]> {
  try {
    const loaded = await data.process({ type: "prefetch_customers", customerIds });
    if (!loaded.ok) throw new Error(loaded.error.reason);
    const outcomes: Outcome[] = [];
    for (const customerId of customerIds) outcomes.push(await decide(customerId));
    return outcomes;
  } finally {
    // This chunk's customers are not needed again; another chunk on this thread keeps its own.
    for (const customerId of customerIds) await data.process({ type: "clear_cache", customerId });
  }
}
