import type { ExperimentStatus } from "@/lib/agents/evaluation/experiments";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { STATUS_LABELS } from "./describe";

const TONES: Record<ExperimentStatus, BadgeTone> = { running: "success", scheduled: "info", stopped: "neutral", ended: "neutral" };

/** An experiment's status as the Experiments and Evaluation screens both show it. */
export function ExperimentStatusBadge({ status }: { status: ExperimentStatus }) {
  return (
    <Badge tone={TONES[status]} testId="experiment-status">
      {STATUS_LABELS[status]}
    </Badge>
  );
}
