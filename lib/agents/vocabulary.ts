// The closed vocabularies every agent and rule shares: channels, value tiers, journey event kinds
// and pattern keys. Kept apart from domain.ts so rules that domain types build on can use them too.

export const channels = ["email", "sms", "call", "push", "mail"] as const;
export type Channel = (typeof channels)[number];

export const valueTiers = ["low", "medium", "high", "premium"] as const;
export type ValueTier = (typeof valueTiers)[number];

export const eventTypes = [
  "call_transcript",
  "chat_transcript",
  "web_click",
  "network_quality",
  "offer",
  "churn_score",
  "usage",
  "billing",
  "payment",
  "complaint",
  "network_incident",
  "plan_change",
  "campaign_contact",
  "device",
] as const;
export type EventType = (typeof eventTypes)[number];

export const patternKeys = [
  "declining_usage",
  "bill_shock",
  "repeated_complaints",
  "poor_network",
  "late_payments",
  "port_out_risk",
  "device_upgrade_due",
  "price_sensitive",
  "negative_sentiment",
  "loyal_quiet",
  "upsell_candidate",
] as const;
export type PatternKey = (typeof patternKeys)[number];
