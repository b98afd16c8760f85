-- The recommendations a newer one superseded, found from the newer one: a finished run counts
-- what it replaced through this (SUPERSEDED_BY_RUN_SQL in lib/jobs/steps.ts). Through the
-- customer index instead, the planner, its statistics taken before the run's rows existed, chose
-- a scan of every recommendation ever written: 0.2 to 1.2 s after seven runs of 10,000, growing
-- with the history. Only superseded rows carry the link, so the index stays small.
CREATE INDEX "Recommendation_supersededById_idx" ON "Recommendation" ("supersededById")
  WHERE "supersededById" IS NOT NULL;
