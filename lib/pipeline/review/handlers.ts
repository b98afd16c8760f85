import { approveHandler } from "./approve";
import { overrideHandler } from "./override";
import { rejectHandler } from "./reject";
import type { ReviewActionOf, ReviewHandler, ReviewHandlers, ReviewKind } from "./types";

const REVIEW_HANDLERS: ReviewHandlers = {
  approve: approveHandler,
  reject: rejectHandler,
  override: overrideHandler,
};

export function reviewHandlerFor<K extends ReviewKind>(kind: K): ReviewHandler<ReviewActionOf<K>> {
  return REVIEW_HANDLERS[kind];
}
