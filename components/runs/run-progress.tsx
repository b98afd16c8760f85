import type { RunStatus } from "@/lib/generated/prisma/enums";
import { formatNumber, plural } from "../ui/format";

const BAR_COLOURS: Record<RunStatus, string> = {
  queued: "bg-zinc-400",
  running: "bg-indigo-600",
  completed: "bg-emerald-600",
  cancelled: "bg-amber-500",
  failed: "bg-red-600",
};

type RunProgressProps = {
  processed: number;
  total: number;
  status: RunStatus;
  label: string;
  /** A running run's step: deciding counts `decided`, allocating counts `processed`. */
  phase?: "deciding" | "allocating";
  decided?: number;
};

/** Customers of the run's total through its current step; fixed size so live updates never move the layout. */
export function RunProgress({ processed, total, status, label, phase, decided = 0 }: RunProgressProps) {
  const isDeciding = status === "running" && phase === "deciding";
  const done = isDeciding ? decided : processed;
  const step = status === "running" && phase ? (isDeciding ? "Deciding" : "Allocating") : null;
  const share = total > 0 ? Math.min(1, done / total) : 0;
  return (
    <div className="w-40 sm:w-48">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${step ? `${step}: ` : ""}${formatNumber(done)} of ${plural(total, "customer")}`}
        className="h-2 w-full overflow-hidden rounded-full bg-zinc-200"
        data-testid="run-progress"
      >
        <div className={`h-full rounded-full transition-[width] duration-500 ${BAR_COLOURS[status]}`} style={{ width: `${share * 100}%` }} />
      </div>
      <div className="mt-1 flex justify-between text-xs tabular-nums text-zinc-600">
        <span data-testid="run-processed" data-phase={step?.toLowerCase()}>
          {step ? `${step} ` : ""}
          {formatNumber(done)} / {formatNumber(total)}
        </span>
        <span>{Math.floor(share * 100)}%</span>
      </div>
    </div>
  );
}
