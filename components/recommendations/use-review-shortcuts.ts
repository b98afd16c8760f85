"use client";

import { useEffect, useRef } from "react";

/** Shown beside the bulk actions and read with the table (aria-describedby). */
export const REVIEW_SHORTCUTS_ID = "review-shortcuts";
export const REVIEW_SHORTCUTS_TEXT = "Keys: j / k move, x select, a approve, r reject, o override";

type ReviewShortcuts = {
  rowCount: number;
  /** Viewers may move between rows; only reviewers select and act. */
  canReview: boolean;
  /** A dialog is open or an action is running: the keys wait. */
  isPaused: boolean;
  onMove: (delta: 1 | -1) => void;
  onToggle: () => void;
  onApprove: () => void;
  onReject: () => void;
  onOverride: () => void;
};

const MOVE_KEYS = new Set(["j", "k"]);

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && target.type !== "checkbox" && target.type !== "radio";
}

/**
 * The review queue's keys, listened to on the whole page from the moment it loads, so nobody has to
 * Tab into the table first: j / k move the highlighted row, x selects it, a approves, r rejects,
 * o overrides. Keys typed into a field, with a modifier, or while a dialog is open are left alone.
 */
export function useReviewShortcuts(shortcuts: ReviewShortcuts) {
  // The listener is attached once; it reads the latest handlers through the ref.
  const latest = useRef(shortcuts);
  useEffect(() => {
    latest.current = shortcuts;
  });
  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      const s = latest.current;
      if (e.altKey || e.ctrlKey || e.metaKey || e.repeat || isTyping(e.target) || s.isPaused || s.rowCount === 0) return;
      if (document.querySelector("dialog[open]")) return;
      const handlers: Record<string, () => void> = {
        j: () => s.onMove(1),
        k: () => s.onMove(-1),
        x: s.onToggle,
        a: s.onApprove,
        r: s.onReject,
        o: s.onOverride,
      };
      const handler = handlers[e.key];
      if (!handler || (!s.canReview && !MOVE_KEYS.has(e.key))) return;
      e.preventDefault();
      handler();
    }
    document.addEventListener("keydown", onKeyDown);
    // Says the keys are live, for browser tests that press them straight after the page loads.
    document.body.dataset.reviewKeys = "ready";
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      delete document.body.dataset.reviewKeys;
    };
  }, []);
}
