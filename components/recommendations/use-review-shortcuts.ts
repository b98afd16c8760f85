import type { KeyboardEvent } from "react";

/** Shown beside the bulk actions and read with the table (aria-describedby). */
export const REVIEW_SHORTCUTS_ID = "review-shortcuts";
export const REVIEW_SHORTCUTS_TEXT = "Keys: j / k move, x select, a approve, r reject, o override";

type ReviewShortcuts = {
  /** Viewers may move between rows; only reviewers select and act. */
  canReview: boolean;
  /** A dialog is open or an action is running: the row keys wait. */
  isPaused: boolean;
  isPending: boolean;
  onToggle: (id: string) => void;
  onApprove: (id: string) => void;
  onReject: (id: string) => void;
  onOverride: (id: string) => void;
};

const MOVE_KEYS = new Set(["j", "k"]);

function isTyping(target: EventTarget): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && target.type !== "checkbox" && target.type !== "radio";
}

/**
 * The review queue's keys, read on the table body: j / k move between rows (focus lands on the
 * row's checkbox), x selects, a approves, r rejects, o overrides the focused row. Keys typed into a
 * field, or with a modifier, are left to the browser.
 */
export function useReviewShortcuts({ canReview, isPaused, isPending, onToggle, onApprove, onReject, onOverride }: ReviewShortcuts) {
  return function onKeyDown(e: KeyboardEvent<HTMLTableSectionElement>) {
    if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target) || isPaused) return;
    const rowEls = [...e.currentTarget.querySelectorAll<HTMLTableRowElement>("tr[data-row-id]")];
    const current = (e.target as HTMLElement).closest<HTMLTableRowElement>("tr[data-row-id]");
    const index = current ? rowEls.indexOf(current) : -1;
    const id = current?.dataset.rowId;
    const focusRow = (i: number) => rowEls[Math.max(0, Math.min(rowEls.length - 1, i))]?.querySelector<HTMLInputElement>("input[type=checkbox]")?.focus();
    const handlers: Record<string, () => void> = {
      j: () => focusRow(index + 1),
      k: () => focusRow(index - 1),
      x: () => id && onToggle(id),
      a: () => id && !isPending && onApprove(id),
      r: () => id && onReject(id),
      o: () => id && onOverride(id),
    };
    const handler = handlers[e.key];
    if (!handler || (!canReview && !MOVE_KEYS.has(e.key))) return;
    e.preventDefault();
    handler();
  };
}
