// What every generator of the demo base starts from. Each facet of a customer draws on its own
// random stream, so changing how one facet is generated never shifts the others.
export type SeedContext = { seed: number; anchor: Date };

export const FACET = { profile: 1, contact: 2, events: 3 } as const;

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
