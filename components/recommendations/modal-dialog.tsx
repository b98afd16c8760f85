"use client";

import { type ReactNode, useEffect, useRef } from "react";

type ModalDialogProps = {
  title: string;
  /** Called when the dialog closes by Escape, the close button or a finished action. */
  onClose: () => void;
  children: ReactNode;
  testId?: string;
};

/** A native modal <dialog>: it traps focus, closes on Escape and returns focus to what opened it. */
export function ModalDialog({ title, onClose, children, testId }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = `${testId ?? "dialog"}-title`;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto w-[min(36rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-900/40"
      data-testid={testId}
    >
      <div className="flex items-start justify-between gap-4 border-b border-zinc-200 px-5 py-3">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        <button
          type="button"
          onClick={() => ref.current?.close()}
          className="rounded p-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800"
          aria-label="Close"
        >
          ✕
        </button>
      </div>
      <div className="px-5 py-4">{children}</div>
    </dialog>
  );
}
