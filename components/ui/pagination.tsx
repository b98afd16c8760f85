import Link from "next/link";
import { formatNumber, plural } from "./format";

type PaginationProps = {
  page: number;
  pageCount: number;
  pageSize: number;
  total: number;
  /** What is counted, in the singular: "customer". */
  noun: string;
  /** Its plural when it is not `noun` + "s": "entries". */
  nounPlural?: string;
  basePath: string;
  /** Other query parameters to keep on every page link (search, filters). */
  query?: Record<string, string | undefined>;
};

export function pageHref(basePath: string, page: number, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  if (page > 1) params.set("page", String(page));
  const search = params.toString();
  return search ? `${basePath}?${search}` : basePath;
}

const linkClass = "rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-700 hover:bg-zinc-50";
const disabledClass = "rounded-md border border-zinc-200 px-3 py-1.5 text-sm font-medium text-zinc-400";

export function Pagination({ page, pageCount, pageSize, total, noun, nounPlural = `${noun}s`, basePath, query }: PaginationProps) {
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav aria-label="Pagination" className="mt-3 flex flex-wrap items-center justify-between gap-3" data-testid="pagination">
      <p className="text-sm text-zinc-600" data-testid="pagination-summary">
        {total === 0 ? `No ${nounPlural}` : `Showing ${formatNumber(from)}–${formatNumber(to)} of ${plural(total, noun, nounPlural)}`}
      </p>
      <div className="flex items-center gap-2">
        {page > 1 ? (
          <Link href={pageHref(basePath, page - 1, query)} className={linkClass} data-testid="pagination-prev" rel="prev">
            Previous
          </Link>
        ) : (
          <span className={disabledClass} aria-disabled="true">
            Previous
          </span>
        )}
        <span className="px-1 text-sm text-zinc-600">
          Page {formatNumber(page)} of {formatNumber(pageCount)}
        </span>
        {page < pageCount ? (
          <Link href={pageHref(basePath, page + 1, query)} className={linkClass} data-testid="pagination-next" rel="next">
            Next
          </Link>
        ) : (
          <span className={disabledClass} aria-disabled="true">
            Next
          </span>
        )}
      </div>
    </nav>
  );
}
