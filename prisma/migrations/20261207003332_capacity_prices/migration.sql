-- AlterTable
ALTER TABLE "ResourceConstraint" ADD COLUMN     "highValuePrice" DECIMAL(12,2) NOT NULL DEFAULT 0,
ADD COLUMN     "price" DECIMAL(12,2) NOT NULL DEFAULT 0,
ADD COLUMN     "priceUpdatedAt" TIMESTAMP(3);

-- A price is what a unit is worth: never negative, and the reserve's price never above the general pool's.
ALTER TABLE "ResourceConstraint" ADD CONSTRAINT "ResourceConstraint_price_check" CHECK ("price" >= 0 AND "highValuePrice" >= 0 AND "highValuePrice" <= "price");
