// Small builders for query tests: each inserts rows with every required column filled in, so a
// test names only the fields it is about.
import type { Prisma, PrismaClient } from "../generated/prisma/client";

export type CustomerFixture = Partial<Prisma.CustomerCreateManyInput> & { id: string };

export function customerRow(overrides: CustomerFixture): Prisma.CustomerCreateManyInput {
  return {
    name: `Customer ${overrides.id}`,
    segment: "consumer",
    plan: "SIM only 20GB",
    contractType: "monthly",
    tenureMonths: 12,
    monthlyRevenue: "25.00",
    valueTier: "medium",
    region: "London",
    language: "en",
    ...overrides,
  };
}

export async function insertCustomers(db: PrismaClient, customers: CustomerFixture[]): Promise<void> {
  await db.customer.createMany({ data: customers.map(customerRow) });
}

/** Ids `prefix0001`, `prefix0002`, ... so that id order is insertion order. */
export function numberedIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(4, "0")}`);
}

export async function insertResource(db: PrismaClient, overrides: Partial<Prisma.ResourceConstraintCreateInput> & { key: string }) {
  return db.resourceConstraint.create({ data: { name: overrides.key, limit: 40, ...overrides } });
}

export async function insertTreatment(db: PrismaClient, overrides: Partial<Prisma.TreatmentUncheckedCreateInput> & { key: string }) {
  return db.treatment.create({
    data: {
      name: overrides.key,
      description: `${overrides.key} treatment`,
      channel: "call",
      costPerContact: "4.50",
      goal: "retain",
      priority: 1,
      ...overrides,
    },
  });
}

export async function insertRun(db: PrismaClient, overrides: Partial<Prisma.RunUncheckedCreateInput> = {}) {
  return db.run.create({ data: { policy: "rules", scope: { kind: "all" }, ...overrides } });
}

export async function insertRecommendation(
  db: PrismaClient,
  overrides: Partial<Prisma.RecommendationUncheckedCreateInput> & { runId: string; customerId: string },
) {
  return db.recommendation.create({
    data: {
      status: "pending_review",
      policy: "rules",
      rationale: "High churn risk after repeated complaints.",
      confidence: 0.8,
      expectedValue: "12.50",
      permissionStatement: "Call marketing allowed.",
      ...overrides,
    },
  });
}

/** Timestamps one minute apart from a fixed start, so ordering by time is unambiguous. */
export function minutesAfterStart(minutes: number): Date {
  return new Date(Date.UTC(2026, 0, 1, 9, 0, 0) + minutes * 60_000);
}
