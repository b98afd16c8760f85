import type { AllocationOutcome } from "@/lib/generated/prisma/enums";
import { Badge, type BadgeTone } from "../ui/badge";
import { humanize } from "../ui/format";

const TONES: Record<AllocationOutcome, BadgeTone> = {
  held: "warning",
  confirmed: "success",
  released: "neutral",
  denied: "danger",
};

export function AllocationOutcomeBadge({ outcome }: { outcome: AllocationOutcome }) {
  return <Badge tone={TONES[outcome]}>{humanize(outcome)}</Badge>;
}
