-- CreateEnum
CREATE TYPE "PatternSeverity" AS ENUM ('low', 'medium', 'high');

-- CreateTable
CREATE TABLE "CustomerInsight" (
    "customerId" TEXT NOT NULL,
    "churnRisk" DOUBLE PRECISION NOT NULL,
    "lifetimeValue" DECIMAL(12,2) NOT NULL,
    "valueTier" "ValueTier" NOT NULL,
    "monthlyRevenue" DECIMAL(10,2) NOT NULL,
    "tenureMonths" INTEGER NOT NULL,
    "revenueTrend" DOUBLE PRECISION,
    "usageTrend" DOUBLE PRECISION,
    "complaintCount" INTEGER NOT NULL,
    "complaintsLast90Days" INTEGER NOT NULL,
    "incidentsLast90Days" INTEGER NOT NULL,
    "latePayments" INTEGER NOT NULL,
    "missedPayments" INTEGER NOT NULL,
    "latestChurnScore" DOUBLE PRECISION,
    "sentiment" DOUBLE PRECISION,
    "patterns" TEXT[],
    "maxSeverity" "PatternSeverity",
    "asOf" TIMESTAMP(3) NOT NULL,
    "runId" UUID,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerInsight_pkey" PRIMARY KEY ("customerId")
);

-- CreateIndex
CREATE INDEX "CustomerInsight_patterns_idx" ON "CustomerInsight" USING GIN ("patterns");

-- CreateIndex
CREATE INDEX "CustomerInsight_churnRisk_customerId_idx" ON "CustomerInsight"("churnRisk" DESC, "customerId");

-- CreateIndex
CREATE INDEX "CustomerInsight_lifetimeValue_customerId_idx" ON "CustomerInsight"("lifetimeValue" DESC, "customerId");

-- CreateIndex
CREATE INDEX "CustomerInsight_maxSeverity_churnRisk_idx" ON "CustomerInsight"("maxSeverity", "churnRisk");

-- AddForeignKey
ALTER TABLE "CustomerInsight" ADD CONSTRAINT "CustomerInsight_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The lists filter on these numbers: the database refuses a risk outside [0, 1], a negative count,
-- or a missing pattern list (no patterns is an empty list, so "has none" needs no NULL case).
ALTER TABLE "CustomerInsight"
  ADD CONSTRAINT "CustomerInsight_churn_risk" CHECK ("churnRisk" BETWEEN 0 AND 1),
  ADD CONSTRAINT "CustomerInsight_counts" CHECK (
    "tenureMonths" >= 0 AND "complaintCount" >= 0 AND "complaintsLast90Days" >= 0 AND "incidentsLast90Days" >= 0
    AND "latePayments" >= 0 AND "missedPayments" >= 0),
  ADD CONSTRAINT "CustomerInsight_patterns" CHECK ("patterns" IS NOT NULL AND ("maxSeverity" IS NULL) = (cardinality("patterns") = 0));
