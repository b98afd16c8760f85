// Where a recommendation's decision steps are (the data, journey and treatment agents' messages and
// responses): kept apart in DecisionTrace when a run decided the customer, so the allocation never
// copies them; recommendations written before that keep every step in their own trace, as a bare
// list or under "steps".

/** SQL: recommendation `r`'s own trace steps as a JSON array (empty when it has none). */
const ownStepsSql = (r: string) =>
  `CASE WHEN json_typeof(${r}.trace) = 'array' THEN ${r}.trace WHEN json_typeof(${r}.trace->'steps') = 'array' THEN ${r}.trace->'steps' ELSE '[]'::json END`;

/** SQL: the steps recommendation `r`'s decision took (where the journey analysis is), as a JSON array. */
export const decisionStepsSql = (r: string) =>
  `COALESCE((SELECT t.steps FROM "DecisionTrace" t WHERE t."runId" = ${r}."runId" AND t."customerId" = ${r}."customerId"), ${ownStepsSql(r)})`;
