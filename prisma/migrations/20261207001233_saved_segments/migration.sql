-- CreateEnum
CREATE TYPE "SegmentKind" AS ENUM ('rule', 'found');

-- CreateTable
CREATE TABLE "Segment" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "SegmentKind" NOT NULL,
    "rule" JSONB,
    "model" JSONB,
    "modelIndex" INTEGER,
    "description" TEXT NOT NULL DEFAULT '',
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Segment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SegmentSize" (
    "segmentId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "size" INTEGER NOT NULL,
    "churnRisk" DOUBLE PRECISION,

    CONSTRAINT "SegmentSize_pkey" PRIMARY KEY ("segmentId","day")
);

-- CreateIndex
CREATE UNIQUE INDEX "Segment_name_key" ON "Segment"("name");

-- AddForeignKey
ALTER TABLE "SegmentSize" ADD CONSTRAINT "SegmentSize_segmentId_fkey" FOREIGN KEY ("segmentId") REFERENCES "Segment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A rule segment has its rule and no model; a found one its model and index.
ALTER TABLE "Segment" ADD CONSTRAINT "Segment_kind_shape" CHECK (
  ("kind" = 'rule' AND "rule" IS NOT NULL AND "model" IS NULL AND "modelIndex" IS NULL)
  OR ("kind" = 'found' AND "rule" IS NULL AND "model" IS NOT NULL AND "modelIndex" >= 0));
ALTER TABLE "SegmentSize" ADD CONSTRAINT "SegmentSize_size" CHECK ("size" >= 0);
