export const PAGE_SIZE = 50;

/** One page of a server-side paginated list. `page` is the page actually returned (1-based). */
export type Paginated<T> = {
  rows: T[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
};

type PaginateOptions<T> = {
  page: number;
  pageSize?: number;
  count: () => Promise<number>;
  fetch: (window: { skip: number; take: number }) => Promise<T[]>;
};

/**
 * Counts first so a page past the end is served as the last page rather than an empty one
 * (a stale link after rows were removed, or a hand-edited URL).
 */
export async function paginate<T>({ page, pageSize = PAGE_SIZE, count, fetch }: PaginateOptions<T>): Promise<Paginated<T>> {
  const total = await count();
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, Math.floor(page)), pageCount);
  const rows = total === 0 ? [] : await fetch({ skip: (current - 1) * pageSize, take: pageSize });
  return { rows, total, page: current, pageSize, pageCount };
}
