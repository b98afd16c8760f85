/**
 * Database rules written by hand into migrations because schema.prisma cannot express them.
 * The drift test checks each exists after the migrations are applied.
 */
export const extraCheckConstraints = [
  "ResourceConstraint_used_within_limit",
  "ResourceConstraint_held_within_used",
  "ResourceConstraint_reserve_within_limit",
  "Treatment_cost_not_negative",
  "Treatment_units_positive",
  "Customer_tenure_not_negative",
  "Customer_revenue_not_negative",
  "Recommendation_confidence_range",
  "Allocation_units_positive",
  "ContactPolicyRule_key_names_rule",
  "ContactPolicyRule_channel_only_for_limits",
  "ContactPolicyRule_window_days",
  "ContactPolicyRule_max_count",
  "ContactPolicyRule_pause_days",
  "CustomerInsight_churn_risk",
  "CustomerInsight_counts",
  "CustomerInsight_patterns",
  "Outcome_response_needs_contact",
  "Outcome_stay_windows_agree",
  "Recommendation_held_out_no_action",
  "Segment_kind_shape",
  "SegmentSize_size",
  "ReviewReason_code_not_other",
  "LearnedEffect_counts",
  "Recommendation_experiment_arm_pair",
] as const;

export const extraTriggers = ["Allocation_append_only", "AuditLog_append_only"] as const;

/** Indexes schema.prisma cannot express (partial ones); the drift test leaves them out of its comparison and checks each exists. */
export const extraIndexes = ["Recommendation_one_pending_per_customer", "Recommendation_contacts_idx", "Recommendation_supersededById_idx", "Customer_name_trgm_idx", "Customer_id_trgm_idx"] as const;
