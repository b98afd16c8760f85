-- CreateEnum
CREATE TYPE "RunPhase" AS ENUM ('deciding', 'allocating');

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "deadlineAt" TIMESTAMP(3),
ADD COLUMN     "decided" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "options" JSONB,
ADD COLUMN     "phase" "RunPhase" NOT NULL DEFAULT 'deciding';

-- CreateTable
CREATE TABLE "RunDecision" (
    "runId" UUID NOT NULL,
    "customerId" TEXT NOT NULL,
    "priority" DOUBLE PRECISION NOT NULL,
    "isHighValue" BOOLEAN NOT NULL,
    "outcome" JSONB NOT NULL,

    CONSTRAINT "RunDecision_pkey" PRIMARY KEY ("runId","customerId")
);

-- AddForeignKey
ALTER TABLE "RunDecision" ADD CONSTRAINT "RunDecision_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
