import "server-only";
import type { PrismaClient } from "../generated/prisma/client";
import { listResources, type ResourceRow } from "./constraints";
import { countCustomers, countJourneyEvents } from "./customers";
import { countRecommendationsByStatus } from "./recommendations";
import { countRuns, listRecentRuns, type RunRow } from "./runs";

export type OverviewCounts = {
  customers: number;
  journeyEvents: number;
  pendingReviews: number;
  approved: number;
  runs: number;
};

export type Overview = {
  counts: OverviewCounts;
  resources: ResourceRow[];
  recentRuns: RunRow[];
};

export async function getOverview(db: PrismaClient): Promise<Overview> {
  const [customers, journeyEvents, byStatus, runs, resources, recentRuns] = await Promise.all([
    countCustomers(db),
    countJourneyEvents(db),
    countRecommendationsByStatus(db),
    countRuns(db),
    listResources(db),
    listRecentRuns(db),
  ]);
  return {
    counts: { customers, journeyEvents, pendingReviews: byStatus.pending_review, approved: byStatus.approved, runs },
    resources,
    recentRuns,
  };
}
