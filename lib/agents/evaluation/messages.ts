// Messages of the evaluation agent and their answers. Every message is plain JSON data.
import type { AgentError, AgentResponse } from "../protocol";
import type { Arm } from "./assign";
import type { LearnedEffect } from "./effects";
import type { Lift } from "./lift";
import type { Outcome, OutcomeInput } from "./outcome";

/** One decision's result as `evaluate` reads it; rows whose window has not closed are skipped. */
export type OutcomeRow = Pick<Outcome, "stayed30d" | "stayed90d" | "revenueChangeGbp">;

export type Horizon = "30d" | "90d";

export type EvaluationMessage =
  /** Puts each customer in one arm of `experimentKey` by a stable hash; the same inputs always give the same arms. */
  | { type: "assign_groups"; experimentKey: string; arms: Arm[]; customerIds: string[] }
  | { type: "record_outcome"; outcome: OutcomeInput }
  /**
   * Lift of `treated` over `control` at `horizon` (default 90 days). `valuePerRetainedGbp` is what
   * keeping one customer is worth, so incremental value = absolute lift × treated × that value.
   */
  | { type: "evaluate"; label: string; treated: OutcomeRow[]; control: OutcomeRow[]; horizon?: Horizon; valuePerRetainedGbp: number }
  /**
   * Each treatment's effect shrunk towards its catalog effect; `baseline` is the held-out group.
   * `priorStrength` (default 200) is the catalog's weight in outcomes; `minOutcomes` defaults to it.
   */
  | {
      type: "estimate_effects";
      baseline: { n: number; retained: number };
      treatments: { treatmentKey: string; catalogEffect: number; n: number; retained: number }[];
      priorStrength?: number;
      minOutcomes?: number;
    };

export type Evaluation = Lift & {
  label: string;
  horizon: Horizon;
  treatedCount: number;
  controlCount: number;
  /** Rows left out because their window had not closed. */
  pendingCount: number;
  incrementalValueGbp: number;
  incrementalValueInterval: { low: number; high: number };
  /** Mean monthly revenue change per customer with one reported; null when none was. */
  meanRevenueChangeGbp: { treated: number | null; control: number | null };
  sentence: string;
};

/** A domain error that can point at the field at fault ("outcome.response"). */
export type EvaluationError = AgentError & { field?: string };

type Response<T extends string, D> = Exclude<AgentResponse<T, D>, { ok: false }> | { ok: false; type: T; error: EvaluationError };

export type EvaluationResponse =
  | Response<"assign_groups", { assignments: { customerId: string; arm: string }[]; counts: Record<string, number> }>
  | Response<"record_outcome", Outcome>
  | Response<"evaluate", Evaluation>
  | Response<"estimate_effects", { effects: LearnedEffect[] }>;
