import { describe, expect, test } from "vitest";
import { MAX_PAGE, MAX_SEARCH_LENGTH, parseCustomerListParams, parsePageParams } from "../validations/list-params";
import { paginate } from "./pagination";

describe("paginate", () => {
  const rowsOf = (total: number) => Array.from({ length: total }, (_, i) => i + 1);
  const run = (total: number, page: number) =>
    paginate({
      page,
      pageSize: 50,
      count: async () => total,
      fetch: async ({ skip, take }) => rowsOf(total).slice(skip, skip + take),
    });

  test.each([
    { total: 0, page: 1, served: 1, pageCount: 1, first: undefined, length: 0 },
    { total: 50, page: 1, served: 1, pageCount: 1, first: 1, length: 50 },
    { total: 51, page: 2, served: 2, pageCount: 2, first: 51, length: 1 },
    { total: 120, page: 2, served: 2, pageCount: 3, first: 51, length: 50 },
    { total: 120, page: 7, served: 3, pageCount: 3, first: 101, length: 20 },
    { total: 120, page: 0, served: 1, pageCount: 3, first: 1, length: 50 },
  ])("page $page of $total rows serves page $served starting at row $first", async ({ total, page, served, pageCount, first, length }) => {
    const result = await run(total, page);
    expect(result.page).toBe(served);
    expect(result.pageCount).toBe(pageCount);
    expect(result.rows[0]).toBe(first);
    expect(result.rows).toHaveLength(length);
  });

  test("does not fetch when there is nothing to show", async () => {
    let fetched = false;
    await paginate({ page: 3, count: async () => 0, fetch: async () => ((fetched = true), []) });
    expect(fetched).toBe(false);
  });
});

describe("parsePageParams", () => {
  test.each([
    { raw: {}, page: 1 },
    { raw: { page: "2" }, page: 2 },
    { raw: { page: "-1" }, page: 1 },
    { raw: { page: "0" }, page: 1 },
    { raw: { page: "abc" }, page: 1 },
    { raw: { page: "2.5" }, page: 1 },
    { raw: { page: "" }, page: 1 },
    { raw: { page: "1e400" }, page: 1 },
    { raw: { page: "99999999999" }, page: MAX_PAGE },
    { raw: { page: ["3", "4"] }, page: 3 },
  ])("page=$raw.page gives page $page", ({ raw, page }) => {
    expect(parsePageParams(raw)).toEqual({ page });
  });
});

describe("parseCustomerListParams", () => {
  test.each([
    { case: "nothing", raw: {}, expected: { page: 1 } },
    { case: "a trimmed search", raw: { q: "  ada  " }, expected: { q: "ada", page: 1 } },
    { case: "a blank search", raw: { q: "   " }, expected: { page: 1 } },
    { case: "a known tier", raw: { tier: "premium" }, expected: { tier: "premium", page: 1 } },
    { case: "an unknown tier", raw: { tier: "gold" }, expected: { page: 1 } },
    { case: "a segment and page", raw: { segment: "business", page: "4" }, expected: { segment: "business", page: 4 } },
    { case: "repeated keys", raw: { q: ["a", "b"], tier: ["low", "high"] }, expected: { q: "a", tier: "low", page: 1 } },
  ])("reads $case", ({ raw, expected }) => {
    expect(parseCustomerListParams(raw)).toEqual(expected);
  });

  test("cuts a giant search to the maximum length", () => {
    const parsed = parseCustomerListParams({ q: "x".repeat(100_000) });
    expect(parsed.q).toHaveLength(MAX_SEARCH_LENGTH);
  });
});
