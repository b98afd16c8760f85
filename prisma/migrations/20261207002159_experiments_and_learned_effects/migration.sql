-- AlterTable
ALTER TABLE "Recommendation" ADD COLUMN     "experimentArm" TEXT,
ADD COLUMN     "experimentKey" TEXT;

-- CreateTable
CREATE TABLE "LearnedEffect" (
    "treatmentKey" TEXT NOT NULL,
    "patternKey" TEXT NOT NULL DEFAULT '',
    "catalogEffect" DOUBLE PRECISION NOT NULL,
    "learnedEffect" DOUBLE PRECISION NOT NULL,
    "intervalLow" DOUBLE PRECISION,
    "intervalHigh" DOUBLE PRECISION,
    "outcomes" INTEGER NOT NULL,
    "retained" INTEGER NOT NULL,
    "baselineOutcomes" INTEGER NOT NULL,
    "baselineRetained" INTEGER NOT NULL,
    "hasEnoughEvidence" BOOLEAN NOT NULL,
    "refreshedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LearnedEffect_pkey" PRIMARY KEY ("treatmentKey","patternKey")
);

-- CreateTable
CREATE TABLE "Experiment" (
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arms" JSONB NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3),
    "stoppedAt" TIMESTAMP(3),
    "createdByLabel" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "Experiment_startsAt_idx" ON "Experiment"("startsAt");

-- CreateIndex
CREATE INDEX "Recommendation_experimentKey_experimentArm_idx" ON "Recommendation"("experimentKey", "experimentArm");

-- AddForeignKey
ALTER TABLE "LearnedEffect" ADD CONSTRAINT "LearnedEffect_treatmentKey_fkey" FOREIGN KEY ("treatmentKey") REFERENCES "Treatment"("key") ON DELETE CASCADE ON UPDATE CASCADE;

-- Written by hand: rules schema.prisma cannot state (listed in lib/database/extra-constraints.ts).
ALTER TABLE "LearnedEffect" ADD CONSTRAINT "LearnedEffect_counts" CHECK (
  "outcomes" >= 0 AND "retained" BETWEEN 0 AND "outcomes"
  AND "baselineOutcomes" >= 0 AND "baselineRetained" BETWEEN 0 AND "baselineOutcomes"
  AND "catalogEffect" BETWEEN 0 AND 1
);
ALTER TABLE "Recommendation" ADD CONSTRAINT "Recommendation_experiment_arm_pair" CHECK (("experimentKey" IS NULL) = ("experimentArm" IS NULL));
