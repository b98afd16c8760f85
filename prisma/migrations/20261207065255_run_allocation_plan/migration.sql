-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "allocationPlan" JSONB;
