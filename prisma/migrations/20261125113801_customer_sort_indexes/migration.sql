-- CreateIndex
CREATE INDEX "Customer_tenureMonths_id_idx" ON "Customer"("tenureMonths", "id");

-- CreateIndex
CREATE INDEX "Customer_monthlyRevenue_id_idx" ON "Customer"("monthlyRevenue", "id");
