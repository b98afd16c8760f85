import type { Column } from "@/components/ui/data-table";
import type { ExperimentArm } from "@/lib/agents/evaluation/experiments";
import { armChanges } from "./describe";

/** The columns every table of an experiment's arms starts with: its name, share and what it changes. */
export function armColumns<T extends ExperimentArm>(treatmentNames: Readonly<Record<string, string>> = {}): Column<T>[] {
  return [
    { key: "arm", header: "Arm", cell: (a) => a.key },
    { key: "share", header: "Share", align: "right", cell: (a) => `${Math.round(a.share * 100)}%` },
    { key: "changes", header: "Changes", cell: (a) => armChanges(a, treatmentNames) },
  ];
}
