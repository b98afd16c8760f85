import type { PolicyKind } from "@/lib/generated/prisma/enums";
import { Badge } from "../ui/badge";

// Which policy decided is always spelled out: a deterministic decision must never pass for a model's.
export const POLICY_LABELS: Record<PolicyKind, string> = { llm: "Language model", rules: "Deterministic policy" };

export function PolicyBadge({ policy }: { policy: PolicyKind }) {
  return <Badge tone={policy === "llm" ? "accent" : "neutral"}>{POLICY_LABELS[policy]}</Badge>;
}
