-- CreateTable
CREATE TABLE "RiskCalibration" (
    "key" TEXT NOT NULL DEFAULT 'outcomes',
    "intercept" DOUBLE PRECISION NOT NULL,
    "slope" DOUBLE PRECISION NOT NULL,
    "outcomes" INTEGER NOT NULL,
    "leavers" INTEGER NOT NULL,
    "fittedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RiskCalibration_pkey" PRIMARY KEY ("key")
);
