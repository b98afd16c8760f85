-- CreateIndex
CREATE INDEX "Customer_importBatchId_id_idx" ON "Customer"("importBatchId", "id");
