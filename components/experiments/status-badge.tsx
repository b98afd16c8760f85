import type { Experiment, ExperimentStatus } from "@/lib/agents/evaluation/experiments";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { STATUS_LABELS, periodFor } from "./describe";

const TONES: Record<ExperimentStatus, BadgeTone> = { running: "success", scheduled: "info", stopped: "neutral", ended: "neutral" };

/** An experiment's status as the Experiments and Evaluation screens both show it. */
export function ExperimentStatusBadge({ status }: { status: ExperimentStatus }) {
  return (
    <Badge tone={TONES[status]} testId="experiment-status">
      {STATUS_LABELS[status]}
    </Badge>
  );
}

/** The badge with the experiment's dates ("starts 1 Jan 2099" while scheduled), as both screens head an experiment. */
export function ExperimentStatusLine({ experiment, status }: { experiment: Pick<Experiment, "startsAt" | "endsAt" | "stoppedAt">; status: ExperimentStatus }) {
  return (
    <>
      <ExperimentStatusBadge status={status} />
      <span className="text-zinc-600" data-testid="experiment-period">
        {periodFor(experiment, status)}
      </span>
    </>
  );
}
