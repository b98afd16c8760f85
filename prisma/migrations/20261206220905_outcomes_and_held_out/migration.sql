-- CreateEnum
CREATE TYPE "OutcomeResponse" AS ENUM ('accepted', 'declined', 'ignored');

-- CreateEnum
CREATE TYPE "OutcomeSource" AS ENUM ('import', 'integration', 'simulator');

-- AlterTable
ALTER TABLE "Recommendation" ADD COLUMN     "heldOutFrom" TEXT;

-- CreateTable
CREATE TABLE "Outcome" (
    "id" UUID NOT NULL,
    "recommendationId" UUID NOT NULL,
    "contactMade" BOOLEAN NOT NULL,
    "response" "OutcomeResponse",
    "stayed30d" BOOLEAN,
    "stayed90d" BOOLEAN,
    "revenueChangeGbp" DECIMAL(12,2),
    "source" "OutcomeSource" NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Outcome_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Outcome_recommendationId_key" ON "Outcome"("recommendationId");

-- CreateIndex
CREATE INDEX "Outcome_recordedAt_idx" ON "Outcome"("recordedAt");

-- AddForeignKey
ALTER TABLE "Outcome" ADD CONSTRAINT "Outcome_recommendationId_fkey" FOREIGN KEY ("recommendationId") REFERENCES "Recommendation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- An answer needs a contact, and a customer who left within 30 days cannot have stayed 90.
ALTER TABLE "Outcome"
  ADD CONSTRAINT "Outcome_response_needs_contact" CHECK ("contactMade" OR "response" IS NULL),
  ADD CONSTRAINT "Outcome_stay_windows_agree" CHECK (NOT ("stayed30d" = false AND "stayed90d" = true));

-- A held-out customer gets no action: the treatment they would have had is only recorded.
ALTER TABLE "Recommendation"
  ADD CONSTRAINT "Recommendation_held_out_no_action" CHECK ("heldOutFrom" IS NULL OR "status" = 'no_action');
