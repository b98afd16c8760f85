// Experiments in words, the same on the Experiments and Evaluation screens.
import type { Experiment, ExperimentArm, ExperimentStatus } from "@/lib/agents/evaluation/experiments";

const POLICY_NAMES = { rules: "deterministic policy", llm: "language model" } as const;
const pence = (x: number) => x.toLocaleString("en-GB", { style: "currency", currency: "GBP", minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const day = (iso: string) => new Date(iso).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** What an arm changes, in words: "language model; retention_sms at 30% effect". */
export function armChanges(arm: ExperimentArm, treatmentNames: Readonly<Record<string, string>> = {}): string {
  const parts: string[] = [];
  if (arm.policy) parts.push(POLICY_NAMES[arm.policy]);
  if (arm.allocation) parts.push(`${arm.allocation} allocation`);
  for (const e of arm.catalogEdits ?? []) {
    const edits = [e.expectedEffect !== undefined ? `${Math.round(e.expectedEffect * 100)}% effect` : null, e.costPerContact !== undefined ? `${pence(e.costPerContact)} a contact` : null].filter(Boolean);
    parts.push(`${treatmentNames[e.treatmentKey] ?? e.treatmentKey} at ${edits.join(" and ")}`);
  }
  return parts.length > 0 ? parts.join("; ") : "nothing: the run's own settings";
}

/** "1 Dec 2026 to 3 Dec 2026", or "from 1 Dec 2026" while it runs on. */
export function period(e: Pick<Experiment, "startsAt" | "endsAt" | "stoppedAt">): string {
  const end = e.stoppedAt ?? e.endsAt;
  if (end && Date.parse(end) <= Date.parse(e.startsAt)) return `stopped ${day(end)}, before its start on ${day(e.startsAt)}`;
  return end ? `${day(e.startsAt)} to ${day(end)}` : `from ${day(e.startsAt)}`;
}

/** The word for each status of `experimentStatus`, on every screen that shows one. */
export const STATUS_LABELS: Readonly<Record<ExperimentStatus, string>> = { running: "Running", scheduled: "Scheduled", stopped: "Stopped", ended: "Ended" };

/** The dates beside a status: a scheduled experiment has only its start to show. */
export function periodFor(e: Pick<Experiment, "startsAt" | "endsAt" | "stoppedAt">, status: ExperimentStatus): string {
  return status === "scheduled" ? `starts ${day(e.startsAt)}` : period(e);
}
