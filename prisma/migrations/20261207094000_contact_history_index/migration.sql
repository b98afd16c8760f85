-- A customer's contacts (CONTACT_STATUSES in lib/agents/journey/build.ts: approved or overridden,
-- with a treatment), read for every customer a run decides. Without it the read walks every
-- recommendation the customer ever had, most of them superseded by later runs.
CREATE INDEX "Recommendation_contacts_idx" ON "Recommendation" ("customerId")
  WHERE status IN ('approved', 'overridden') AND "treatmentKey" IS NOT NULL;
