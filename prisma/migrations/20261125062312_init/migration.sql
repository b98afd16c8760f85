-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('viewer', 'marketer', 'manager', 'admin');

-- CreateEnum
CREATE TYPE "ValueTier" AS ENUM ('low', 'medium', 'high', 'premium');

-- CreateEnum
CREATE TYPE "CustomerSource" AS ENUM ('seed', 'import');

-- CreateEnum
CREATE TYPE "EventType" AS ENUM ('call_transcript', 'chat_transcript', 'web_click', 'network_quality', 'offer', 'churn_score', 'usage', 'billing', 'payment', 'complaint', 'network_incident', 'plan_change', 'campaign_contact', 'device');

-- CreateEnum
CREATE TYPE "Channel" AS ENUM ('email', 'sms', 'call', 'push', 'mail');

-- CreateEnum
CREATE TYPE "CapacityPeriod" AS ENUM ('day', 'week', 'month');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('queued', 'running', 'completed', 'cancelled', 'failed');

-- CreateEnum
CREATE TYPE "PolicyKind" AS ENUM ('llm', 'rules');

-- CreateEnum
CREATE TYPE "RecommendationStatus" AS ENUM ('pending_review', 'approved', 'rejected', 'overridden', 'no_action', 'failed');

-- CreateEnum
CREATE TYPE "AllocationOutcome" AS ENUM ('held', 'confirmed', 'released', 'denied');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'viewer',
    "passwordHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportBatch" (
    "id" UUID NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "rowsRead" INTEGER NOT NULL,
    "rowsImported" INTEGER NOT NULL,
    "rowsSkipped" INTEGER NOT NULL,
    "report" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ImportBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "plan" TEXT NOT NULL,
    "contractType" TEXT NOT NULL,
    "tenureMonths" INTEGER NOT NULL,
    "monthlyRevenue" DECIMAL(10,2) NOT NULL,
    "totalRevenue" DECIMAL(12,2),
    "valueTier" "ValueTier" NOT NULL,
    "region" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "source" "CustomerSource" NOT NULL DEFAULT 'seed',
    "importBatchId" UUID,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "churned" BOOLEAN,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JourneyEvent" (
    "id" BIGSERIAL NOT NULL,
    "customerId" TEXT NOT NULL,
    "type" "EventType" NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "summary" TEXT NOT NULL,
    "attributes" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "JourneyEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContactPermission" (
    "customerId" TEXT NOT NULL,
    "channel" "Channel" NOT NULL,
    "marketing" BOOLEAN NOT NULL,
    "serviceUpdates" BOOLEAN NOT NULL,
    "billing" BOOLEAN NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ContactPermission_pkey" PRIMARY KEY ("customerId","channel")
);

-- CreateTable
CREATE TABLE "ContactPreference" (
    "customerId" TEXT NOT NULL,
    "preferredLanguage" TEXT NOT NULL,
    "contactWindowStart" TEXT,
    "contactWindowEnd" TEXT,
    "dndStart" TEXT,
    "dndEnd" TEXT,
    "timeZone" TEXT NOT NULL DEFAULT 'Europe/London',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ContactPreference_pkey" PRIMARY KEY ("customerId")
);

-- CreateTable
CREATE TABLE "ResourceConstraint" (
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "unit" TEXT NOT NULL DEFAULT 'contacts',
    "limit" INTEGER NOT NULL,
    "used" INTEGER NOT NULL DEFAULT 0,
    "held" INTEGER NOT NULL DEFAULT 0,
    "reservedHighValue" INTEGER NOT NULL DEFAULT 0,
    "period" "CapacityPeriod" NOT NULL DEFAULT 'day',
    "periodStart" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ResourceConstraint_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Treatment" (
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "channel" "Channel",
    "costPerContact" DECIMAL(10,2) NOT NULL,
    "goal" TEXT NOT NULL,
    "priority" INTEGER NOT NULL,
    "expectedEffect" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "eligibility" JSONB NOT NULL DEFAULT '{}',
    "resourceKey" TEXT,
    "unitsPerContact" INTEGER NOT NULL DEFAULT 1,
    "isNoAction" BOOLEAN NOT NULL DEFAULT false,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Treatment_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" UUID NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "policy" "PolicyKind" NOT NULL,
    "scope" JSONB NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "summary" JSONB,
    "error" TEXT,
    "requestedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Recommendation" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "customerId" TEXT NOT NULL,
    "status" "RecommendationStatus" NOT NULL,
    "treatmentKey" TEXT,
    "policy" "PolicyKind" NOT NULL,
    "rationale" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "expectedValue" DECIMAL(12,2) NOT NULL,
    "alternatives" JSONB NOT NULL DEFAULT '[]',
    "fallbackPath" JSONB NOT NULL DEFAULT '[]',
    "permissionStatement" TEXT NOT NULL,
    "nextContactAt" TIMESTAMP(3),
    "failureReason" TEXT,
    "trace" JSONB NOT NULL DEFAULT '[]',
    "reviewedById" UUID,
    "reviewedAt" TIMESTAMP(3),
    "reviewReason" TEXT,
    "overriddenFrom" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Recommendation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Allocation" (
    "id" BIGSERIAL NOT NULL,
    "resourceKey" TEXT NOT NULL,
    "treatmentKey" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "recommendationId" UUID,
    "runId" UUID,
    "outcome" "AllocationOutcome" NOT NULL,
    "units" INTEGER NOT NULL DEFAULT 1,
    "reason" TEXT NOT NULL,
    "priority" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "isHighValue" BOOLEAN NOT NULL DEFAULT false,
    "usedReserve" BOOLEAN NOT NULL DEFAULT false,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Allocation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "actorId" UUID,
    "actorLabel" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "ImportBatch_fileSha256_idx" ON "ImportBatch"("fileSha256");

-- CreateIndex
CREATE INDEX "Customer_segment_idx" ON "Customer"("segment");

-- CreateIndex
CREATE INDEX "Customer_valueTier_idx" ON "Customer"("valueTier");

-- CreateIndex
CREATE INDEX "Customer_name_idx" ON "Customer"("name");

-- CreateIndex
CREATE INDEX "Customer_region_idx" ON "Customer"("region");

-- CreateIndex
CREATE INDEX "JourneyEvent_customerId_occurredAt_idx" ON "JourneyEvent"("customerId", "occurredAt");

-- CreateIndex
CREATE INDEX "JourneyEvent_type_occurredAt_idx" ON "JourneyEvent"("type", "occurredAt");

-- CreateIndex
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");

-- CreateIndex
CREATE INDEX "Run_status_idx" ON "Run"("status");

-- CreateIndex
CREATE INDEX "Recommendation_status_createdAt_idx" ON "Recommendation"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Recommendation_customerId_createdAt_idx" ON "Recommendation"("customerId", "createdAt");

-- CreateIndex
CREATE INDEX "Recommendation_treatmentKey_idx" ON "Recommendation"("treatmentKey");

-- CreateIndex
CREATE UNIQUE INDEX "Recommendation_runId_customerId_key" ON "Recommendation"("runId", "customerId");

-- CreateIndex
CREATE INDEX "Allocation_resourceKey_createdAt_idx" ON "Allocation"("resourceKey", "createdAt");

-- CreateIndex
CREATE INDEX "Allocation_createdAt_idx" ON "Allocation"("createdAt");

-- CreateIndex
CREATE INDEX "Allocation_recommendationId_idx" ON "Allocation"("recommendationId");

-- CreateIndex
CREATE INDEX "Allocation_customerId_idx" ON "Allocation"("customerId");

-- CreateIndex
CREATE INDEX "AuditLog_entityType_entityId_createdAt_idx" ON "AuditLog"("entityType", "entityId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_createdAt_idx" ON "AuditLog"("createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_action_createdAt_idx" ON "AuditLog"("action", "createdAt");

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_importBatchId_fkey" FOREIGN KEY ("importBatchId") REFERENCES "ImportBatch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JourneyEvent" ADD CONSTRAINT "JourneyEvent_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContactPermission" ADD CONSTRAINT "ContactPermission_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContactPreference" ADD CONSTRAINT "ContactPreference_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Treatment" ADD CONSTRAINT "Treatment_resourceKey_fkey" FOREIGN KEY ("resourceKey") REFERENCES "ResourceConstraint"("key") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Recommendation" ADD CONSTRAINT "Recommendation_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Recommendation" ADD CONSTRAINT "Recommendation_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Recommendation" ADD CONSTRAINT "Recommendation_treatmentKey_fkey" FOREIGN KEY ("treatmentKey") REFERENCES "Treatment"("key") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_resourceKey_fkey" FOREIGN KEY ("resourceKey") REFERENCES "ResourceConstraint"("key") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_treatmentKey_fkey" FOREIGN KEY ("treatmentKey") REFERENCES "Treatment"("key") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_recommendationId_fkey" FOREIGN KEY ("recommendationId") REFERENCES "Recommendation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Rules the Prisma schema language cannot state (listed in lib/database/extra-constraints.ts).
ALTER TABLE "ResourceConstraint"
  ADD CONSTRAINT "ResourceConstraint_used_within_limit" CHECK ("used" >= 0 AND "used" <= "limit"),
  ADD CONSTRAINT "ResourceConstraint_held_within_used" CHECK ("held" >= 0 AND "held" <= "used"),
  ADD CONSTRAINT "ResourceConstraint_reserve_within_limit" CHECK ("reservedHighValue" >= 0 AND "reservedHighValue" <= "limit");

ALTER TABLE "Treatment"
  ADD CONSTRAINT "Treatment_cost_not_negative" CHECK ("costPerContact" >= 0),
  ADD CONSTRAINT "Treatment_units_positive" CHECK ("unitsPerContact" > 0);

ALTER TABLE "Customer"
  ADD CONSTRAINT "Customer_tenure_not_negative" CHECK ("tenureMonths" >= 0),
  ADD CONSTRAINT "Customer_revenue_not_negative" CHECK ("monthlyRevenue" >= 0);

ALTER TABLE "Recommendation"
  ADD CONSTRAINT "Recommendation_confidence_range" CHECK ("confidence" >= 0 AND "confidence" <= 1);

ALTER TABLE "Allocation"
  ADD CONSTRAINT "Allocation_units_positive" CHECK ("units" > 0);

-- Allocation history is append-only: rows are never changed or deleted one by one.
CREATE FUNCTION "allocation_history_is_append_only"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'Allocation history is append-only (% refused)', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Allocation_append_only"
  BEFORE UPDATE OR DELETE ON "Allocation"
  FOR EACH ROW EXECUTE FUNCTION "allocation_history_is_append_only"();
