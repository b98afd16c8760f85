// Capacity arithmetic, free of storage: who may take a unit of a resource right now.
import type { ResourceCounters, ResourceStatus } from "../domain";

/** A resource row as locked for one transaction; the agent changes `used` and `held` in place. */
export type LockedResource = ResourceCounters;

export type HoldDecision = { isGranted: true; usedReserve: boolean } | { isGranted: false; reason: string };

/**
 * Whether `units` more may be held, for a new hold or one taken back. Everyone shares
 * limit − reserve; a high-value customer may also take the reserve. Invariant kept: 0 ≤ used ≤ limit.
 */
export function decideHold(resource: LockedResource, units: number, isHighValue: boolean): HoldDecision {
  const generalRoom = resource.limit - resource.reservedHighValue - resource.used;
  if (units <= generalRoom) return { isGranted: true, usedReserve: false };
  const totalRoom = resource.limit - resource.used;
  if (isHighValue && units <= totalRoom) return { isGranted: true, usedReserve: true };
  if (totalRoom >= units) {
    return { isGranted: false, reason: `${resource.name}: only the high-value reserve is left (${totalRoom} of ${resource.limit} free, ${resource.reservedHighValue} reserved)` };
  }
  return { isGranted: false, reason: `${resource.name} is full: ${resource.used} of ${resource.limit} committed this ${resource.period}` };
}

export function toStatus(r: LockedResource): ResourceStatus {
  return {
    ...r,
    availableGeneral: Math.max(0, r.limit - r.reservedHighValue - r.used),
    availableHighValue: Math.max(0, r.limit - r.used),
  };
}
