-- Customer search matches any part of a name and the start of an id, case-insensitively
-- (ILIKE '%text%' / 'text%'). B-tree indexes cannot serve that; trigram indexes can, so a search
-- stays an index lookup at a million customers instead of reading the whole table.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "Customer_name_trgm_idx" ON "Customer" USING gin (name gin_trgm_ops);
CREATE INDEX "Customer_id_trgm_idx" ON "Customer" USING gin (id gin_trgm_ops);
