// The statuses of a recommendation that reached the customer (CONTACT_STATUSES, the journey agent's
// rule) as SQL, for `status IN (...)`: written into a statement rather than bound as a parameter, so
// the planner can use the partial index of contacts (Recommendation_contacts_idx) whose condition it is.
import { CONTACT_STATUSES } from "../agents/journey/build";

export const CONTACT_STATUSES_SQL = CONTACT_STATUSES.map((s) => `'${s}'`).join(", ");
