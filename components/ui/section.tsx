import type { ReactNode } from "react";

type SectionProps = {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  testId?: string;
  children: ReactNode;
};

/** A titled block of a page, one level below the page's h1. */
export function Section({ title, description, actions, testId, children }: SectionProps) {
  return (
    <section className="mb-8" data-testid={testId}>
      <div className="mb-3 flex flex-wrap items-end justify-between gap-2">
        <div>
          <h2 className="text-base font-semibold text-zinc-900">{title}</h2>
          {description ? <p className="text-sm text-zinc-600">{description}</p> : null}
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}
