-- A customer waits for review with at most one recommendation. Before this rule, running the
-- pipeline again for a customer added a second pending recommendation holding a second unit of
-- capacity. The newest pending recommendation of each customer stays; older ones become
-- superseded, and any capacity they still hold is released, with the history saying why.

-- Older pending recommendations, and the newest of the same customer that replaces each one.
CREATE TEMP TABLE "_superseded" ON COMMIT DROP AS
SELECT r.id, first_value(r.id) OVER w AS "supersededById"
  FROM "Recommendation" r
 WHERE r.status = 'pending_review'
WINDOW w AS (PARTITION BY r."customerId" ORDER BY r."createdAt" DESC, r.id DESC);
DELETE FROM "_superseded" WHERE id = "supersededById";

-- Their live holds: the newest history row of each is still "held".
CREATE TEMP TABLE "_released" ON COMMIT DROP AS
SELECT last.*
  FROM (SELECT DISTINCT ON (a."recommendationId") a.*
          FROM "Allocation" a JOIN "_superseded" s ON s.id = a."recommendationId"
         ORDER BY a."recommendationId", a.id DESC) last
 WHERE last.outcome = 'held';

INSERT INTO "Allocation" ("resourceKey", "treatmentKey", "customerId", "recommendationId", "runId", outcome, units, reason,
                          priority, "isHighValue", "usedReserve", "periodStart", "createdAt")
SELECT r."resourceKey", r."treatmentKey", r."customerId", r."recommendationId", r."runId", 'released', r.units,
       'Released: superseded by a newer decision for the same customer', r.priority, r."isHighValue", r."usedReserve", c."periodStart", now()
  FROM "_released" r JOIN "ResourceConstraint" c ON c.key = r."resourceKey";

UPDATE "ResourceConstraint" c
   SET held = c.held - x.units, used = c.used - x.units, version = c.version + 1, "updatedAt" = now()
  FROM (SELECT "resourceKey", sum(units)::int AS units FROM "_released" GROUP BY "resourceKey") x
 WHERE c.key = x."resourceKey";

UPDATE "Recommendation" r
   SET status = 'superseded', "supersededById" = s."supersededById", "updatedAt" = now()
  FROM "_superseded" s
 WHERE r.id = s.id;

CREATE UNIQUE INDEX "Recommendation_one_pending_per_customer" ON "Recommendation"("customerId") WHERE status = 'pending_review';
