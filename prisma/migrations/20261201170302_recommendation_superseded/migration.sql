-- AlterEnum
ALTER TYPE "RecommendationStatus" ADD VALUE 'superseded';

-- AlterTable
ALTER TABLE "Recommendation" ADD COLUMN     "supersededById" UUID;
