// The native <dialog> opened with showModal(), not a library: the platform keeps focus inside, closes on Escape and makes the page behind inert, where a library's injected <style> tag would lean on the CSP's 'unsafe-inline'.
"use client";

import { type ReactNode, useId, useLayoutEffect, useRef } from "react";

const WIDTHS = { sm: "w-[min(28rem,calc(100vw-2rem))]", md: "w-[min(36rem,calc(100vw-2rem))]", lg: "w-[min(44rem,calc(100vw-2rem))]" } as const;

type DialogProps = {
  /** Names the dialog for assistive technology (aria-labelledby). */
  title: string;
  /** Read out with the title (aria-describedby). */
  description?: ReactNode;
  /** Escape and the close button ask for this; the owner unmounts the dialog to close it. */
  onClose: () => void;
  children: ReactNode;
  testId?: string;
  size?: keyof typeof WIDTHS;
  /** "alertdialog" for a confirmation of something that cannot be undone. */
  role?: "dialog" | "alertdialog";
  /** While a change is being saved, Escape and the close button wait for it. */
  isBusy?: boolean;
};

/**
 * The one modal dialog of the app. It is open while mounted: the owner renders it to open it and
 * stops rendering it to close it. Focus starts on the first field (or the element marked
 * `data-autofocus`, e.g. the safe choice of a confirmation) and goes back to whatever opened it.
 */
export function Dialog({ title, description, onClose, children, testId, size = "md", role = "dialog", isBusy = false }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const isMounted = useRef(false);
  const titleId = useId();
  const descriptionId = useId();

  // A layout effect, so the cleanup closes the dialog and returns focus before React removes it.
  useLayoutEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    isMounted.current = true;
    if (dialog && !dialog.open) dialog.showModal();
    dialog?.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    return () => {
      isMounted.current = false;
      dialog?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const requestClose = () => {
    if (!isBusy) onClose();
  };

  return (
    <dialog
      ref={ref}
      role={role === "alertdialog" ? "alertdialog" : undefined}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      // Escape asks the owner, so the page's state and the dialog never disagree about being open.
      onCancel={(e) => {
        e.preventDefault();
        requestClose();
      }}
      // The browser may still close it on its own (a repeated Escape); the owner hears of it.
      onClose={() => {
        if (isMounted.current) onClose();
      }}
      className={`m-auto ${WIDTHS[size]} rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-900/40`}
      data-testid={testId}
    >
      <div className="border-b border-zinc-200 py-3 pl-5 pr-12">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        {description ? (
          <div id={descriptionId} className="mt-1 text-sm text-zinc-600">
            {description}
          </div>
        ) : null}
      </div>
      <div className="px-5 py-4">{children}</div>
      {/* Last in the tab order, so opening the dialog lands on its first field rather than on Close. */}
      <button
        type="button"
        onClick={requestClose}
        disabled={isBusy}
        className="absolute right-3 top-3 rounded p-1 leading-none text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-40"
        aria-label="Close"
      >
        <span aria-hidden>✕</span>
      </button>
    </dialog>
  );
}
