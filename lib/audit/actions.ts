// Every kind of audit entry the app writes, with how the screens name it.
export const AUDIT_ACTIONS = {
  "recommendation.approve": "Recommendation approved",
  "recommendation.reject": "Recommendation rejected",
  "recommendation.override": "Recommendation overridden",
  "recommendation.undo": "Review undone",
  "review_reason.create": "Reason code added",
  "review_reason.update": "Reason code changed",
  "run.start": "Run started",
  "run.cancel_requested": "Run cancel requested",
  "constraint.update": "Limits changed",
  "constraint.reset_period": "Period reset",
  "constraint.shed_holds": "Limit lowered, holds released",
  "scenario.save": "Scenario saved",
  "scenario.apply": "Scenario limits applied",
  "treatment.update": "Treatment edited",
  "contact_policy.update": "Contact policy changed",
  "user.create": "User added",
  "user.update": "User changed",
  "user.password_reset": "Password set",
  "user.sign_in": "Signed in",
  "demo.reset": "Demo reset",
  "import.run": "Data imported",
  "segment.create": "Segment saved",
  "segment.update": "Segment changed",
  "segment.delete": "Segment deleted",
  "integration_token.create": "Integration token created",
  "integration_token.revoke": "Integration token revoked",
  "outcome.record": "Outcome recorded",
  "experiment.create": "Experiment started",
  "experiment.stop": "Experiment stopped",
  "data.export": "Data exported",
} as const satisfies Record<string, string>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export const AUDIT_ENTITY_TYPES = {
  Recommendation: "Recommendation",
  Run: "Run",
  ResourceConstraint: "Capacity resource",
  Treatment: "Treatment",
  ContactPolicyRule: "Contact policy rule",
  User: "User",
  Demo: "Demo data",
  ImportBatch: "Import batch",
  Segment: "Segment",
  Scenario: "Scenario",
  IntegrationToken: "Integration token",
  ReviewReason: "Reason code",
  Experiment: "Experiment",
  Export: "Export",
} as const satisfies Record<string, string>;

export const auditActionLabel = (action: string): string => (AUDIT_ACTIONS as Record<string, string>)[action] ?? action;
export const auditEntityLabel = (type: string): string => (AUDIT_ENTITY_TYPES as Record<string, string>)[type] ?? type;
