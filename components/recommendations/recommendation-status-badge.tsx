import type { RecommendationStatus } from "@/lib/generated/prisma/enums";
import { Badge } from "../ui/badge";
import { RECOMMENDATION_STATUS_LOOKS } from "../ui/states";

export function RecommendationStatusBadge({ status }: { status: RecommendationStatus }) {
  const look = RECOMMENDATION_STATUS_LOOKS[status];
  return <Badge tone={look.tone}>{look.label}</Badge>;
}
