import type { ValueTier } from "@/lib/generated/prisma/enums";
import { Badge, type BadgeTone } from "../ui/badge";
import { humanize } from "../ui/format";

const TONES: Record<ValueTier, BadgeTone> = { low: "neutral", medium: "info", high: "accent", premium: "success" };

export function ValueTierBadge({ tier }: { tier: ValueTier }) {
  return <Badge tone={TONES[tier]}>{humanize(tier)}</Badge>;
}
