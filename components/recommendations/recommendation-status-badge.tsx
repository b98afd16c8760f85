import type { RecommendationStatus } from "@/lib/generated/prisma/enums";
import { Badge, type BadgeTone } from "../ui/badge";
import { humanize } from "../ui/format";

const TONES: Record<RecommendationStatus, BadgeTone> = {
  pending_review: "warning",
  approved: "success",
  rejected: "danger",
  overridden: "info",
  no_action: "neutral",
  failed: "danger",
  superseded: "neutral",
};

export function RecommendationStatusBadge({ status }: { status: RecommendationStatus }) {
  return <Badge tone={TONES[status]}>{humanize(status)}</Badge>;
}
