import type { ReactNode } from "react";

export type DescriptionItem = { label: string; value: ReactNode; testId?: string };

/** Label/value pairs in a responsive grid, for profiles and settings. */
export function DescriptionList({ items, testId }: { items: DescriptionItem[]; testId?: string }) {
  return (
    <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-3 xl:grid-cols-4" data-testid={testId}>
      {items.map((item) => (
        <div key={item.label} className="min-w-0">
          <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{item.label}</dt>
          <dd className="mt-0.5 truncate text-sm text-zinc-900" data-testid={item.testId}>
            {item.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
