"use client";

import { type ReactNode, useState } from "react";

type LazyDetailsProps = { summary: ReactNode; children: ReactNode; className?: string; summaryClassName?: string; testId?: string };

/**
 * A <details> whose body is rendered only once opened: a trace holds many large payloads, and
 * keeping them out of the page until asked for keeps it light and its text out of searches.
 */
export function LazyDetails({ summary, children, className, summaryClassName, testId }: LazyDetailsProps) {
  const [isOpen, setIsOpen] = useState(false);
  return (
    <details className={className} data-testid={testId} onToggle={(e) => setIsOpen(e.currentTarget.open)}>
      <summary className={summaryClassName}>{summary}</summary>
      {isOpen ? children : null}
    </details>
  );
}
