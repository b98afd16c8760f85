// What the steps inside one batch's capacity transaction share: allocating (allocate.ts) and
// replacing earlier decisions (supersede.ts) work on the same locked capacity and run.
import type { AllocationAgent } from "../allocation/allocation-agent";
import type { LockedCapacity } from "../allocation/ports";
import type { TreatmentDefinition } from "../domain";
import type { TreatmentAgentMessage, TreatmentAgentResponse } from "../messages";
import type { Agent } from "../protocol";

/** What allocating needs besides the transaction: the catalog, the agent that offers alternatives, a clock. */
export type AllocateDeps = {
  catalog: TreatmentDefinition[];
  treatment: Agent<TreatmentAgentMessage, TreatmentAgentResponse>;
  now: () => Date;
  /** Share of customers, in [0, 1], held out in the standing control group; absent holds out nobody. */
  controlGroupShare?: number;
};

/** One batch's transaction as its steps see it, with an allocation agent bound to it. */
export type BatchScope = AllocateDeps & { capacity: LockedCapacity; runId: string; allocation: AllocationAgent };
