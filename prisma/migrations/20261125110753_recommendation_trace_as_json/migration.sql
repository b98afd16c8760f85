-- AlterTable: traces are written once and read whole, so they are kept as plain json text
-- (no binary conversion on every insert).
ALTER TABLE "Recommendation" ALTER COLUMN "trace" DROP DEFAULT;
ALTER TABLE "Recommendation" ALTER COLUMN "trace" SET DATA TYPE JSON USING "trace"::json;
ALTER TABLE "Recommendation" ALTER COLUMN "trace" SET DEFAULT '[]';
