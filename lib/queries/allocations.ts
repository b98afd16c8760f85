import "server-only";
import type { AllocationOutcome, PrismaClient } from "../generated/prisma/client";
import { paginate, type Paginated } from "./pagination";

export type AllocationRow = {
  id: string;
  resource: { key: string; name: string };
  treatment: { key: string; name: string };
  customer: { id: string; name: string };
  outcome: AllocationOutcome;
  units: number;
  reason: string;
  priority: number;
  isHighValue: boolean;
  usedReserve: boolean;
  createdAt: Date;
};

/** Allocation history, newest first. */
export async function listAllocations(
  db: PrismaClient,
  { page, pageSize }: { page: number; pageSize?: number },
): Promise<Paginated<AllocationRow>> {
  return paginate({
    page,
    pageSize,
    count: () => db.allocation.count(),
    fetch: async ({ skip, take }) => {
      const rows = await db.allocation.findMany({
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        skip,
        take,
        select: {
          id: true,
          resource: { select: { key: true, name: true } },
          treatment: { select: { key: true, name: true } },
          customer: { select: { id: true, name: true } },
          outcome: true,
          units: true,
          reason: true,
          priority: true,
          isHighValue: true,
          usedReserve: true,
          createdAt: true,
        },
      });
      return rows.map((r) => ({ ...r, id: r.id.toString() }));
    },
  });
}
