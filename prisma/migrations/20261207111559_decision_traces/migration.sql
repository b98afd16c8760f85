-- CreateTable
CREATE TABLE "DecisionTrace" (
    "runId" UUID NOT NULL,
    "customerId" TEXT NOT NULL,
    "steps" JSON NOT NULL,

    CONSTRAINT "DecisionTrace_pkey" PRIMARY KEY ("runId","customerId")
);

-- CreateIndex
CREATE INDEX "DecisionTrace_customerId_idx" ON "DecisionTrace"("customerId");

-- Stored as written, not compressed, as Recommendation.trace is: pglz was about half the cost of
-- writing a trace.
ALTER TABLE "DecisionTrace" ALTER COLUMN "steps" SET STORAGE EXTERNAL;

-- AddForeignKey
ALTER TABLE "DecisionTrace" ADD CONSTRAINT "DecisionTrace_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DecisionTrace" ADD CONSTRAINT "DecisionTrace_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Runs staged before this change keep their decisions' steps: they move to the new table (a
-- customer who vanished meanwhile has nothing to keep).
INSERT INTO "DecisionTrace" ("runId", "customerId", steps)
SELECT d."runId", d."customerId", d.trace FROM "RunDecision" d JOIN "Customer" c ON c.id = d."customerId"
 WHERE d.trace IS NOT NULL AND d.trace::text <> '[]';

-- AlterTable
ALTER TABLE "RunDecision" DROP COLUMN "trace";
