import type { AllocationOutcome } from "@/lib/generated/prisma/enums";
import { Badge } from "../ui/badge";
import { ALLOCATION_OUTCOME_LOOKS } from "../ui/states";

export function AllocationOutcomeBadge({ outcome }: { outcome: AllocationOutcome }) {
  const look = ALLOCATION_OUTCOME_LOOKS[outcome];
  return <Badge tone={look.tone}>{look.label}</Badge>;
}
