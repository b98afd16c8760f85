import type { ReactNode } from "react";

type EmptyStateProps = { title: string; children?: ReactNode; testId?: string };

export function EmptyState({ title, children, testId }: EmptyStateProps) {
  return (
    <div className="rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-10 text-center" data-testid={testId}>
      <p className="text-sm font-medium text-zinc-800">{title}</p>
      {children ? <div className="mt-1 text-sm text-zinc-600">{children}</div> : null}
    </div>
  );
}
