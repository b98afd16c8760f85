-- AlterTable
ALTER TABLE "RunDecision" ADD COLUMN     "context" JSON,
ADD COLUMN     "trace" JSON;

-- Stored as written, not compressed: they are written once and read once, and compressing them
-- costs more than the bytes it saves here.
ALTER TABLE "RunDecision" ALTER COLUMN "trace" SET STORAGE EXTERNAL;
ALTER TABLE "RunDecision" ALTER COLUMN "context" SET STORAGE EXTERNAL;

-- Runs staged before this change keep their decisions: the trace and context move to their columns.
UPDATE "RunDecision" SET trace = (outcome->'trace')::json, context = (outcome->'context')::json, outcome = outcome - 'trace' - 'context'
 WHERE outcome ? 'trace' OR outcome ? 'context';
