import Link from "next/link";
import type { ReviewQueueRow } from "@/lib/queries/recommendations";
import { ValueTierBadge } from "../customers/value-tier-badge";
import { formatDateTime, formatMoney, formatPercent } from "../ui/format";
import { PolicyBadge } from "./policy-badge";
import { ReviewRowActions } from "./review-row-actions";
import { REVIEW_SHORTCUTS_ID } from "./use-review-shortcuts";

type RowActions = { onApprove: (row: ReviewQueueRow) => void; onReject: (row: ReviewQueueRow) => void; onOverride: (row: ReviewQueueRow) => void };

type ReviewTableProps = RowActions & {
  rows: ReviewQueueRow[];
  canReview: boolean;
  isPending: boolean;
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  /** Selects every row of the page, or clears them when all are selected. */
  onToggleAll: () => void;
  /** The row the keys act on, highlighted. */
  focusedId: string | null;
  /** Capacity resources by key, so a row names the resource its treatment draws on. */
  resourceNames: Readonly<Record<string, string>>;
};

const treatmentName = (r: ReviewQueueRow) => r.treatment?.name ?? "No action";

function ReviewRow({ row: r, canReview, isPending, isSelected, isFocused, onToggle, resourceNames, ...actions }: RowActions & {
  row: ReviewQueueRow;
  canReview: boolean;
  isPending: boolean;
  isSelected: boolean;
  isFocused: boolean;
  onToggle: (id: string) => void;
  resourceNames: Readonly<Record<string, string>>;
}) {
  const subject = `${treatmentName(r)} for ${r.customer.name}`;
  const resourceKey = r.treatment?.resourceKey;
  return (
    <tr
      data-row-id={r.id}
      data-testid="review-row"
      aria-selected={isSelected}
      aria-current={isFocused ? "true" : undefined}
      data-focused={isFocused ? "true" : undefined}
      className={`scroll-mt-24 focus-within:bg-indigo-50/60 ${isSelected ? "bg-indigo-50" : "hover:bg-zinc-50"} ${isFocused ? "outline-2 -outline-offset-2 outline-indigo-500" : ""}`}
    >
      <td className={canReview ? "px-3 py-2 align-top" : "hidden"}>
        <input type="checkbox" disabled={!canReview} aria-label={`Select ${subject}`} checked={isSelected} onChange={() => onToggle(r.id)} data-testid="row-select" />
      </td>
      <td className="whitespace-nowrap px-3 py-2 align-top">
        <Link href={`/customers/${encodeURIComponent(r.customer.id)}`} className="font-medium text-indigo-700 hover:underline">
          {r.customer.name}
        </Link>
        <div className="mt-0.5 flex items-center gap-2 text-xs text-zinc-500">
          <span className="font-mono">{r.customer.id}</span>
          <ValueTierBadge tier={r.customer.valueTier} />
        </div>
        <div className="mt-0.5 text-xs text-zinc-500 lg:hidden">{formatDateTime(r.createdAt)}</div>
      </td>
      <td className="min-w-56 px-3 py-2 align-top">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <span className="font-medium text-zinc-900">{treatmentName(r)}</span>
          <PolicyBadge policy={r.policy} />
        </div>
        {resourceKey ? (
          <div className="text-xs text-zinc-500" title={resourceKey} data-testid="review-resource">
            Uses {resourceNames[resourceKey] ?? resourceKey}
          </div>
        ) : null}
        <div className="mt-1 max-w-xl text-zinc-700">
          {r.rationaleExcerpt.length < r.rationale.length ? (
            <details>
              <summary className="cursor-pointer">{r.rationaleExcerpt}</summary>
              <p className="mt-1 text-zinc-800">{r.rationale}</p>
            </details>
          ) : (
            r.rationale
          )}
        </div>
      </td>
      <td className="whitespace-nowrap px-3 py-2 text-right align-top tabular-nums">
        {formatPercent(r.confidence)}
        <span className="block text-zinc-600">{formatMoney(r.expectedValue)}</span>
        <span className="block text-xs text-zinc-500" title="Churn risk as last analysed">
          {r.churnRisk === null ? "risk —" : `risk ${formatPercent(r.churnRisk)}`}
        </span>
      </td>
      <td className="hidden w-24 px-3 py-2 align-top text-xs text-zinc-600 lg:table-cell">{formatDateTime(r.createdAt)}</td>
      <td className="px-3 py-2 align-top">
        {canReview ? (
          <ReviewRowActions
            subject={subject}
            isPending={isPending}
            onApprove={() => actions.onApprove(r)}
            onReject={() => actions.onReject(r)}
            onOverride={() => actions.onOverride(r)}
          />
        ) : null}
      </td>
    </tr>
  );
}

/** The page of pending recommendations: a checkbox column for reviewers, and each row's actions. */
export function ReviewTable({ rows, canReview, isPending, selected, onToggle, onToggleAll, focusedId, resourceNames, ...actions }: ReviewTableProps) {
  const selectedOnPage = rows.filter((r) => selected.has(r.id)).length;
  const isAllSelected = rows.length > 0 && selectedOnPage === rows.length;
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-zinc-200 text-sm" data-testid="review-table" aria-describedby={REVIEW_SHORTCUTS_ID}>
        <caption className="sr-only">Recommendations waiting for review</caption>
        <thead className="bg-zinc-50 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
          <tr>
            <th scope="col" className={canReview ? "w-8 px-3 py-2" : "hidden"}>
              <input
                type="checkbox"
                aria-label="Select every recommendation on this page"
                checked={isAllSelected}
                disabled={rows.length === 0}
                ref={(el) => {
                  if (el) el.indeterminate = selectedOnPage > 0 && !isAllSelected;
                }}
                onChange={onToggleAll}
                data-testid="select-all"
              />
            </th>
            <th scope="col" className="whitespace-nowrap px-3 py-2">Customer</th>
            <th scope="col" className="px-3 py-2">Recommendation</th>
            <th scope="col" className="whitespace-nowrap px-3 py-2 text-right">
              Confidence
              <span className="block font-normal normal-case tracking-normal">expected value · churn risk</span>
            </th>
            <th scope="col" className="hidden whitespace-nowrap px-3 py-2 lg:table-cell">Created</th>
            <th scope="col" className="px-3 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="px-3 py-10 text-center text-sm text-zinc-600" data-testid="table-empty">
                <span data-testid="review-empty">
                  No recommendations wait for review here. Start a run from{" "}
                  <Link href="/runs" className="font-medium text-indigo-700 hover:underline">
                    Runs
                  </Link>{" "}
                  or change the filters.
                </span>
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <ReviewRow
                key={r.id}
                row={r}
                canReview={canReview}
                isPending={isPending}
                isSelected={selected.has(r.id)}
                isFocused={focusedId === r.id}
                onToggle={onToggle}
                resourceNames={resourceNames}
                {...actions}
              />
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
