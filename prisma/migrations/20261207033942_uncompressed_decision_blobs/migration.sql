-- Traces and staged outcomes are written once and read back whole, a run at a time: pglz
-- compression of ~10 KB of JSON per customer was most of the cost of staging a chunk and of
-- writing a batch of recommendations (about half of each COPY), and decompressing them most of
-- reading a run back. Stored out of line uncompressed instead, for ~2.5x their compressed size.
ALTER TABLE "RunDecision" ALTER COLUMN "outcome" SET STORAGE EXTERNAL;
ALTER TABLE "Recommendation" ALTER COLUMN "trace" SET STORAGE EXTERNAL;
ALTER TABLE "Recommendation" ALTER COLUMN "fates" SET STORAGE EXTERNAL;
