// Outcome sentences, free of the database, so the review queue in the browser words a batched
// bulk action exactly as the server words one batch.
import type { ReviewAction, ReviewOutcome } from "./types";

const PAST = { approve: "Approved", reject: "Rejected", override: "Overrode" } as const;

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** A sentence for people: "Approved 18; 2 skipped: already approved". Equal reasons are counted once. */
export function describeReviewOutcome(kind: ReviewAction["kind"], outcome: ReviewOutcome): string {
  const done = `${PAST[kind]} ${outcome.done.length}`;
  if (outcome.skipped.length === 0) return done;
  const groups = new Map<string, number>();
  for (const s of outcome.skipped) groups.set(s.reason, (groups.get(s.reason) ?? 0) + 1);
  const reasons = [...groups].map(([reason, n]) => (groups.size > 1 ? `${lowerFirst(reason)} (${n})` : lowerFirst(reason)));
  return `${done}; ${outcome.skipped.length} skipped: ${reasons.join(", ")}`;
}
