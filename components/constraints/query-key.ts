/** The React Query key of the live capacity figures; invalidate it after a change. */
export const CONSTRAINTS_QUERY_KEY = ["constraints"] as const;
