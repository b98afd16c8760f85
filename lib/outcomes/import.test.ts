import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { TestDatabase } from "../database/testing";
import { type SeededTemplate, createSeededTemplate } from "../testing/seeded-template";
import { insertCatalog, insertCustomers, insertRun } from "../pipeline/testing/fixtures";
import { importOutcomes } from "./import";

const HEADER = "recommendation_id,contact_made,response,stayed_30d,stayed_90d,revenue_change_gbp,recorded_at";

describe("outcome import on PostgreSQL", () => {
  let template: SeededTemplate;
  let db: TestDatabase;
  let decisions: string[];

  // Three approved decisions, seeded once; each test imports into its own copy.
  beforeAll(async () => {
    template = await createSeededTemplate(async (url) => {
      await insertCatalog(url);
      const customers = await insertCustomers(url, { count: 3 });
      const runId = await insertRun(url);
      decisions = customers.map(() => randomUUID());
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        for (const [i, customerId] of customers.entries()) {
          await c.query(
            `INSERT INTO "Recommendation" (id, "runId", "customerId", status, policy, rationale, confidence, "expectedValue", "permissionStatement", "updatedAt")
             VALUES ($1, $2, $3, 'approved', 'rules', 'r', 0.5, 10, 'ok', now())`,
            [decisions[i], runId, customerId],
          );
        }
      } finally {
        await c.end();
      }
    });
  });
  afterAll(async () => {
    await template.drop();
  });
  beforeEach(async () => {
    db = await template.clone();
  });
  afterEach(async () => {
    await db.drop();
  });

  const run = (text: string) => importOutcomes({ url: db.url, input: [Buffer.from(text)] });
  const stored = async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query(`SELECT "recommendationId", "contactMade", response, "stayed30d", "stayed90d", "revenueChangeGbp"::float AS revenue, source FROM "Outcome" ORDER BY "recordedAt"`)).rows;
    } finally {
      await c.end();
    }
  };
  const row = (i: number, rest = "yes,accepted,yes,yes,2.50,2026-03-01T10:00:00Z") => `${decisions[i]},${rest}`;

  test("stores each row, reading yes/no, blanks and a pound sign", async () => {
    const result = await run([HEADER, row(0), row(1, "no,,no,,£-3.10,2026-03-02T10:00:00Z"), row(2, "TRUE,Ignored,true,,,2026-03-03T10:00:00+01:00")].join("\n"));
    expect(result).toEqual({ ok: true, rowsRead: 3, inserted: 3, updated: 0 });
    expect(await stored()).toEqual([
      { recommendationId: decisions[0], contactMade: true, response: "accepted", stayed30d: true, stayed90d: true, revenue: 2.5, source: "import" },
      { recommendationId: decisions[1], contactMade: false, response: null, stayed30d: false, stayed90d: false, revenue: -3.1, source: "import" },
      { recommendationId: decisions[2], contactMade: true, response: "ignored", stayed30d: true, stayed90d: null, revenue: null, source: "import" },
    ]);
  });

  test("updates a decision reported again in a later file instead of adding a second outcome", async () => {
    await run([HEADER, row(0, "yes,accepted,yes,,,2026-03-01T10:00:00Z")].join("\n"));
    const result = await run([HEADER, row(0, "yes,accepted,yes,no,-20,2026-06-01T10:00:00Z")].join("\r\n"));
    expect(result).toEqual({ ok: true, rowsRead: 1, inserted: 0, updated: 1 });
    expect(await stored()).toEqual([expect.objectContaining({ stayed30d: true, stayed90d: false, revenue: -20 })]);
  });

  test("reads the columns in any order", async () => {
    const result = await run(["recorded_at,revenue_change_gbp,stayed_90d,stayed_30d,response,contact_made,recommendation_id", `2026-03-01T10:00:00Z,,,yes,declined,yes,${decisions[0]}`].join("\n"));
    expect(result).toMatchObject({ ok: true, inserted: 1 });
  });

  test.each([
    { lines: () => [HEADER, row(0), row(1, "maybe,,,,,2026-03-01T10:00:00Z")], line: 3, column: "contact_made", reason: /true or false/, title: "refuses contact made written as maybe, naming line 3" },
    { lines: () => [HEADER, row(0, "no,accepted,yes,yes,,2026-03-01T10:00:00Z")], line: 2, column: "response", reason: /no contact was made/, title: "refuses an accepted response without a contact" },
    { lines: () => [HEADER, row(0, "yes,thrilled,yes,yes,,2026-03-01T10:00:00Z")], line: 2, column: "response", reason: /accepted, declined, ignored/, title: "refuses a response outside the three answers" },
    { lines: () => [HEADER, row(0, "yes,accepted,no,yes,,2026-03-01T10:00:00Z")], line: 2, column: "stayed_90d", reason: /left within 30 days/, title: "refuses stayed 90 days after leaving within 30" },
    { lines: () => [HEADER, row(0, "yes,accepted,yes,yes,12;50,2026-03-01T10:00:00Z")], line: 2, column: "revenue_change_gbp", reason: /not a number/, title: "refuses a revenue change that is not a number" },
    { lines: () => [HEADER, row(0, "yes,accepted,yes,yes,,1 March")], line: 2, column: "recorded_at", reason: /ISO 8601/, title: "refuses a date that is not ISO 8601" },
    { lines: () => [HEADER, `not-a-uuid,yes,accepted,yes,yes,,2026-03-01T10:00:00Z`], line: 2, column: "recommendation_id", reason: /UUID/, title: "refuses a decision id that is not a UUID" },
    { lines: () => [HEADER, `${randomUUID()},yes,accepted,yes,yes,,2026-03-01T10:00:00Z`], line: 2, column: "recommendation_id", reason: /no decision has the id/, title: "refuses an outcome for a decision that does not exist" },
    { lines: () => [HEADER, row(0), row(1), row(0)], line: 4, column: "recommendation_id", reason: /repeats the decision of line 2/, title: "refuses a decision reported twice in one file" },
    { lines: () => ["recommendation_id,contact_made,response", row(0)], line: 1, column: null, reason: /header lacks stayed_30d, stayed_90d, revenue_change_gbp, recorded_at/, title: "refuses a header without the stay, revenue and date columns" },
    { lines: () => [], line: 1, column: null, reason: /empty/, title: "refuses an empty file" },
    { lines: () => [HEADER, `${decisions[0]},yes,"accepted`], line: 2, column: null, reason: /cannot be read as CSV/, title: "refuses a quote never closed" },
  ])("$title and writes nothing", async ({ lines, line, column, reason }) => {
    const result = await run(lines().join("\n"));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems[0]).toMatchObject({ line, column });
      expect(result.problems[0]!.reason).toMatch(reason);
    }
    expect(await stored()).toEqual([]);
  });

  test("refuses the whole file when its last row is bad, after earlier rows were already written", async () => {
    // 1,500 rows: the first 1,000 are written in the first batch before the bad id in the last row is found.
    const customers = await insertCustomers(db.url, { count: 1500, prefix: "BULK" });
    const runId = await insertRun(db.url);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const ids = customers.map(() => randomUUID());
    try {
      await c.query(
        `INSERT INTO "Recommendation" (id, "runId", "customerId", status, policy, rationale, confidence, "expectedValue", "permissionStatement", "updatedAt")
         SELECT id, $2, cust, 'approved', 'rules', 'r', 0.5, 10, 'ok', now() FROM unnest($1::uuid[], $3::text[]) AS t(id, cust)`,
        [ids, runId, customers],
      );
    } finally {
      await c.end();
    }
    const body = ids.map((id, i) => (i === ids.length - 1 ? `${randomUUID()},yes,accepted,yes,yes,,2026-03-01T10:00:00Z` : `${id},yes,accepted,yes,yes,,2026-03-01T10:00:00Z`));
    const result = await run([HEADER, ...body].join("\n"));
    expect(result).toMatchObject({ ok: false, problemsTotal: 1, problems: [{ line: 1501, column: "recommendation_id" }] });
    expect(await stored()).toEqual([]);
  });
});
