-- CreateEnum
CREATE TYPE "ReviewReasonKind" AS ENUM ('reject', 'override');

-- AlterTable
ALTER TABLE "Recommendation" ADD COLUMN     "reviewReasonCode" TEXT;

-- CreateTable
CREATE TABLE "ReviewReason" (
    "id" UUID NOT NULL,
    "kind" "ReviewReasonKind" NOT NULL,
    "code" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReviewReason_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReviewReason_kind_isActive_position_idx" ON "ReviewReason"("kind", "isActive", "position");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewReason_kind_code_key" ON "ReviewReason"("kind", "code");

-- CreateIndex
CREATE INDEX "Recommendation_status_expectedValue_id_idx" ON "Recommendation"("status", "expectedValue", "id");

-- CreateIndex
CREATE INDEX "Recommendation_status_confidence_id_idx" ON "Recommendation"("status", "confidence", "id");

-- CreateIndex
CREATE INDEX "Recommendation_reviewReasonCode_reviewedAt_idx" ON "Recommendation"("reviewReasonCode", "reviewedAt");

-- "other" is offered beside the kept codes and takes the reviewer's words, so no kept code may take its name.
ALTER TABLE "ReviewReason" ADD CONSTRAINT "ReviewReason_code_not_other" CHECK (code <> 'other' AND code ~ '^[a-z0-9_]{1,40}$');

-- A starting list managers can reword, retire or add to.
INSERT INTO "ReviewReason" (id, kind, code, label, position, "updatedAt") VALUES
  (gen_random_uuid(), 'reject', 'contacted_recently', 'Customer contacted recently', 1, now()),
  (gen_random_uuid(), 'reject', 'offer_not_suitable', 'Offer does not suit the customer', 2, now()),
  (gen_random_uuid(), 'reject', 'data_looks_wrong', 'Customer data looks wrong', 3, now()),
  (gen_random_uuid(), 'reject', 'already_handled', 'Already handled by another team', 4, now()),
  (gen_random_uuid(), 'override', 'customer_preference', 'Customer''s stated channel preference', 1, now()),
  (gen_random_uuid(), 'override', 'better_value', 'Better value for this customer', 2, now()),
  (gen_random_uuid(), 'override', 'balance_capacity', 'Balance capacity across channels', 3, now());
