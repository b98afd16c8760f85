import type { RunStatus } from "@/lib/generated/prisma/enums";
import { Badge, type BadgeTone } from "../ui/badge";
import { humanize } from "../ui/format";

const TONES: Record<RunStatus, BadgeTone> = {
  queued: "neutral",
  running: "info",
  completed: "success",
  cancelled: "warning",
  failed: "danger",
};

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return <Badge tone={TONES[status]}>{humanize(status)}</Badge>;
}
