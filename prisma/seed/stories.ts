// The stories a marketer recognises in the seeded base: how common each is, and the tenure and
// churn trajectory a customer following it has.
/** The stories a marketer recognises; each seeded customer follows one (customer.attributes.story). */
export const customerStories = [
  "loyal_quiet",
  "declining_usage",
  "bill_shock",
  "repeated_complaints",
  "poor_network",
  "late_payer",
  "port_out_enquiry",
  "device_upgrade_ready",
  "price_sensitive",
  "upsell_candidate",
] as const;

export type CustomerStory = (typeof customerStories)[number];

/** Relative share of each story in the seeded base (sums to 100). */
export const storyWeights: Record<CustomerStory, number> = {
  loyal_quiet: 34,
  declining_usage: 9,
  bill_shock: 7,
  repeated_complaints: 7,
  poor_network: 8,
  late_payer: 7,
  port_out_enquiry: 5,
  device_upgrade_ready: 8,
  price_sensitive: 8,
  upsell_candidate: 7,
};

export type StoryProfile = {
  tenure: readonly [number, number];
  /** Churn probability range at the start and at the end of the history. */
  churnFrom: readonly [number, number];
  churnTo: readonly [number, number];
  /** 1 rises steadily; higher values stay flat and jump near the end. */
  churnCurve: number;
  riskFactors: readonly string[];
};

export const storyProfiles: Record<CustomerStory, StoryProfile> = {
  loyal_quiet: { tenure: [24, 120], churnFrom: [0.03, 0.15], churnTo: [0.03, 0.15], churnCurve: 1, riskFactors: ["contract_ending"] },
  declining_usage: { tenure: [12, 96], churnFrom: [0.1, 0.25], churnTo: [0.45, 0.7], churnCurve: 1, riskFactors: ["declining_usage", "competitor_offer"] },
  bill_shock: { tenure: [6, 84], churnFrom: [0.08, 0.2], churnTo: [0.4, 0.7], churnCurve: 4, riskFactors: ["billing_dispute", "price_increase"] },
  repeated_complaints: { tenure: [6, 84], churnFrom: [0.15, 0.3], churnTo: [0.55, 0.85], churnCurve: 1.5, riskFactors: ["service_complaints", "billing_dispute"] },
  poor_network: { tenure: [6, 84], churnFrom: [0.1, 0.25], churnTo: [0.45, 0.75], churnCurve: 2, riskFactors: ["network_issues", "service_complaints"] },
  late_payer: { tenure: [6, 60], churnFrom: [0.2, 0.35], churnTo: [0.35, 0.6], churnCurve: 1, riskFactors: ["payment_issues"] },
  port_out_enquiry: { tenure: [6, 60], churnFrom: [0.15, 0.3], churnTo: [0.75, 0.95], churnCurve: 4, riskFactors: ["competitor_offer", "contract_ending"] },
  device_upgrade_ready: { tenure: [28, 96], churnFrom: [0.1, 0.2], churnTo: [0.25, 0.45], churnCurve: 1, riskFactors: ["device_age", "out_of_contract"] },
  price_sensitive: { tenure: [6, 72], churnFrom: [0.2, 0.35], churnTo: [0.35, 0.6], churnCurve: 1, riskFactors: ["price_increase", "competitor_offer"] },
  upsell_candidate: { tenure: [8, 60], churnFrom: [0.05, 0.15], churnTo: [0.03, 0.15], churnCurve: 1, riskFactors: ["data_cap_reached"] },
};
