// Storing customers' journey insights: a run's batch writes them with its decisions, and a
// refresh without deciding writes them alone; both keep the newer of two insights and place the
// customers in the saved segments again in the same transaction.
import type pg from "pg";
import type { CustomerInsightRecord } from "../agents/allocation/ports";
import { placeCustomersInSegments } from "./segments";

/**
 * Each customer's insight, replacing an older one; an insight computed earlier than the stored one
 * (a slower run finishing later) leaves the newer in place. Then the customers' segment members are
 * placed from what is stored: call it inside the transaction that should commit both.
 */
export async function upsertInsights(db: pg.PoolClient, records: CustomerInsightRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db.query(
    `INSERT INTO "CustomerInsight" ("customerId", "runId", "asOf", "churnRisk", "lifetimeValue", "valueTier", "monthlyRevenue", "tenureMonths",
        "revenueTrend", "usageTrend", "complaintCount", "complaintsLast90Days", "incidentsLast90Days", "latePayments", "missedPayments",
        "latestChurnScore", sentiment, patterns, "maxSeverity", "updatedAt")
     SELECT x."customerId", x."runId", x."asOf", x."churnRisk", x."lifetimeValue", x."valueTier"::"ValueTier", x."monthlyRevenue", x."tenureMonths",
        x."revenueTrend", x."usageTrend", x."complaintCount", x."complaintsLast90Days", x."incidentsLast90Days", x."latePayments", x."missedPayments",
        x."latestChurnScore", x.sentiment, x.patterns, x."maxSeverity"::"PatternSeverity", now()
     FROM json_to_recordset($1::json) AS x("customerId" text, "runId" uuid, "asOf" timestamp, "churnRisk" float8, "lifetimeValue" numeric,
        "valueTier" text, "monthlyRevenue" numeric, "tenureMonths" int, "revenueTrend" float8, "usageTrend" float8, "complaintCount" int,
        "complaintsLast90Days" int, "incidentsLast90Days" int, "latePayments" int, "missedPayments" int, "latestChurnScore" float8,
        sentiment float8, patterns text[], "maxSeverity" text)
     ON CONFLICT ("customerId") DO UPDATE SET "runId" = EXCLUDED."runId", "asOf" = EXCLUDED."asOf", "churnRisk" = EXCLUDED."churnRisk",
        "lifetimeValue" = EXCLUDED."lifetimeValue", "valueTier" = EXCLUDED."valueTier", "monthlyRevenue" = EXCLUDED."monthlyRevenue",
        "tenureMonths" = EXCLUDED."tenureMonths", "revenueTrend" = EXCLUDED."revenueTrend", "usageTrend" = EXCLUDED."usageTrend",
        "complaintCount" = EXCLUDED."complaintCount", "complaintsLast90Days" = EXCLUDED."complaintsLast90Days",
        "incidentsLast90Days" = EXCLUDED."incidentsLast90Days", "latePayments" = EXCLUDED."latePayments", "missedPayments" = EXCLUDED."missedPayments",
        "latestChurnScore" = EXCLUDED."latestChurnScore", sentiment = EXCLUDED.sentiment, patterns = EXCLUDED.patterns,
        "maxSeverity" = EXCLUDED."maxSeverity", "updatedAt" = now()
      WHERE "CustomerInsight"."asOf" <= EXCLUDED."asOf"`,
    [JSON.stringify(records)],
  );
  await placeCustomersInSegments(db, [...new Set(records.map((r) => r.customerId))]);
}
