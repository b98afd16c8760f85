-- AlterTable
ALTER TABLE "WorkerHeartbeat" ADD COLUMN     "hasModel" BOOLEAN NOT NULL DEFAULT false;
