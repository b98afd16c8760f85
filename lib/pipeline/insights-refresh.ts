// Refreshing stored insights without deciding anything: the data and journey agents only, so that
// lists, segments and run previews read current metrics after an import or on a schedule.
import type pg from "pg";
import type { CustomerInsightRecord } from "../agents/allocation/ports";
import { createDataAgent } from "../agents/data/data-agent";
import { createJourneyAgent } from "../agents/journey/journey-agent";
import { insightOf } from "../agents/orchestrator/insight";
import { createCustomerCache } from "./customer-cache";
import { createPgCustomerSource } from "./customer-source";
import { withTransaction } from "../database/transaction";
import { upsertInsights } from "./insight-store";
import { recordAllSegmentSizes } from "./segments";

export type InsightsRefreshOptions = {
  /** Only these customers (for example an import batch's); absent refreshes every customer. */
  customerIds?: string[];
  /** Customers loaded and written per round trip. */
  chunkSize?: number;
  /** The time the metrics are computed at; now unless a test pins it. */
  clock?: () => Date;
  /** Called after each chunk with the customers done so far; answering false stops after that chunk. */
  onProgress?: (done: number, total: number) => Promise<boolean | void> | boolean | void;
};

export type InsightsRefreshResult = { refreshed: number; failed: { customerId: string; reason: string }[]; total: number; isStopped: boolean; segmentsCounted: number };

/**
 * Recomputes and stores the journey insight of each customer (runId null: no run decided it), in
 * chunks of one transaction each (with the chunk's places in the saved segments), then counts every saved segment for today's trend point. Never
 * writes a recommendation or touches capacity. An insight already stored from a later time stays.
 */
export async function refreshInsights(pool: pg.Pool, opts: InsightsRefreshOptions = {}): Promise<InsightsRefreshResult> {
  const chunkSize = opts.chunkSize ?? 500;
  const now = opts.clock ?? (() => new Date());
  const ids = opts.customerIds ? [...new Set(opts.customerIds)].sort() : (await pool.query<{ id: string }>(`SELECT id FROM "Customer" ORDER BY id`)).rows.map((r) => r.id);
  const data = createDataAgent({ source: createPgCustomerSource(pool), cache: createCustomerCache({ maxEntries: chunkSize * 2 }) });
  const journey = createJourneyAgent();
  const failed: InsightsRefreshResult["failed"] = [];
  let refreshed = 0;
  let isStopped = false;
  for (let start = 0; start < ids.length; start += chunkSize) {
    const chunk = ids.slice(start, start + chunkSize);
    await data.process({ type: "prefetch_customers", customerIds: chunk });
    const records: CustomerInsightRecord[] = [];
    for (const customerId of chunk) {
      const loaded = await data.process({ type: "get_customer_data", customerId });
      if (!loaded.ok || loaded.type !== "get_customer_data") {
        // A customer deleted since the list was read has nothing to refresh.
        if (!loaded.ok && loaded.error.code === "not_found") continue;
        failed.push({ customerId, reason: loaded.ok ? "Unexpected data response" : loaded.error.reason });
        continue;
      }
      const { isFromCache: _cached, ...customer } = loaded.data;
      const built = await journey.process({ type: "build_journey", data: customer });
      if (!built.ok || built.type !== "build_journey") {
        failed.push({ customerId, reason: built.ok ? "Unexpected journey response" : built.error.reason });
        continue;
      }
      const analysis = await journey.process({ type: "analyze_journey", journey: built.data, profile: customer.profile, asOf: now().toISOString() });
      if (!analysis.ok || analysis.type !== "analyze_journey") {
        failed.push({ customerId, reason: analysis.ok ? "Unexpected analysis response" : analysis.error.reason });
        continue;
      }
      records.push(insightOf(analysis.data, null));
    }
    await withTransaction(pool, (client) => upsertInsights(client, records));
    await data.process({ type: "clear_cache" });
    refreshed += records.length;
    if ((await opts.onProgress?.(Math.min(ids.length, start + chunk.length), ids.length)) === false) {
      isStopped = start + chunk.length < ids.length;
      break;
    }
  }
  const segmentsCounted = await recordAllSegmentSizes(pool);
  return { refreshed, failed, total: ids.length, isStopped, segmentsCounted };
}
