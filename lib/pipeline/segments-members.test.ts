import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedDemo } from "../../prisma/seed";
import { createSegmentationAgent } from "../agents/segmentation/segmentation-agent";
import type { SegmentCustomer, SegmentModel } from "../agents/segmentation/messages";
import { type TestDatabase, createTestDatabase } from "../database/testing";
import { refreshInsights } from "./insights-refresh";
import { selectCustomers } from "./runs";
import { type SavedSegment, createSegment, findSegments, loadSegmentCustomers } from "./segments";

const ANCHOR = new Date("2026-11-20T00:00:00.000Z");
const NOW = new Date("2026-11-20T09:30:00.000Z");
const actor = { id: null, label: "Manager" };

describe("stored segment members", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let found: SavedSegment[];
  let longTenure: SavedSegment;
  let model: SegmentModel;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemo({ url: db.url, customers: 40, seed: 7, anchor: ANCHOR });
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await pool.query(`DELETE FROM "CustomerInsight"`);
    await refreshInsights(pool, { clock: () => NOW });
    const groups = await findSegments(pool, { seed: 3 });
    if (!groups) throw new Error("too few customers analysed to find segments");
    model = groups.model;
    found = [];
    for (const g of groups.groups) found.push(await createSegment(pool, { segment: { name: `Found ${g.index}`, kind: "found", model, modelIndex: g.index, description: g.description }, actor }));
    longTenure = await createSegment(pool, { segment: { name: "Long tenure", kind: "rule", rule: { minTenureMonths: 24 } }, actor });
  }, 180_000);
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  async function storedMembers(segmentId: string): Promise<string[]> {
    const { rows } = await pool.query<{ customerId: string }>(`SELECT "customerId" FROM "SegmentMember" WHERE "segmentId" = $1 ORDER BY "customerId"`, [segmentId]);
    return rows.map((r) => r.customerId);
  }

  /** Each customer's found segment as assign_segment places its stored insight now. */
  async function assigned(): Promise<Map<string, number>> {
    const agent = createSegmentationAgent();
    const placed = new Map<string, number>();
    for (const customer of await loadSegmentCustomers(pool, { seed: 0 })) {
      const r = await agent.process({ type: "assign_segment", model, customer });
      if (!r.ok || r.type !== "assign_segment") throw new Error("assign_segment failed");
      placed.set(customer.customerId, r.data.segment);
    }
    return placed;
  }

  async function expectMembersAsAssigned() {
    const placed = await assigned();
    for (const s of found) {
      if (s.kind !== "found") continue;
      const expected = [...placed].filter(([, segment]) => segment === s.modelIndex).map(([id]) => id).sort();
      expect(await storedMembers(s.id)).toEqual(expected);
    }
    const tenure = (await loadSegmentCustomers(pool, { seed: 0 })).filter((c) => c.tenureMonths >= 24).map((c) => c.customerId).sort();
    expect(await storedMembers(longTenure.id)).toEqual(tenure);
  }

  /** A tenure for `customer` that assign_segment would place outside its current found segment, if any. */
  async function tenureMovingOut(customer: SegmentCustomer): Promise<number | null> {
    const agent = createSegmentationAgent();
    const now = await agent.process({ type: "assign_segment", model, customer });
    if (!now.ok || now.type !== "assign_segment") throw new Error("assign_segment failed");
    for (const tenureMonths of [0, 3, 12, 36, 72, 120, 240]) {
      const moved = await agent.process({ type: "assign_segment", model, customer: { ...customer, tenureMonths } });
      if (moved.ok && moved.type === "assign_segment" && moved.data.segment !== now.data.segment && tenureMonths >= 24 !== customer.tenureMonths >= 24) return tenureMonths;
    }
    return null;
  }

  test("after saving, each found segment stores exactly the customers assign_segment places in it, and a rule segment exactly its matches", async () => {
    expect(found.length).toBeGreaterThan(1);
    await expectMembersAsAssigned();
  });

  test("a refresh that moves a customer across the boundary moves its stored places in the same step, for found and rule segments", async () => {
    const customers = await loadSegmentCustomers(pool, { seed: 0 });
    let moved: { customer: SegmentCustomer; tenureMonths: number } | null = null;
    for (const customer of customers) {
      const tenureMonths = await tenureMovingOut(customer);
      if (tenureMonths !== null) {
        moved = { customer, tenureMonths };
        break;
      }
    }
    if (!moved) throw new Error("no customer whose tenure moves them across a segment boundary");
    const before = await assigned();
    await pool.query(`UPDATE "Customer" SET "tenureMonths" = $2 WHERE id = $1`, [moved.customer.customerId, moved.tenureMonths]);
    await refreshInsights(pool, { customerIds: [moved.customer.customerId], clock: () => NOW });
    const after = await assigned();
    expect(after.get(moved.customer.customerId)).not.toBe(before.get(moved.customer.customerId));
    expect((await storedMembers(longTenure.id)).includes(moved.customer.customerId)).toBe(moved.tenureMonths >= 24);
    await expectMembersAsAssigned();
  });

  test("a saved segment as a run scope takes exactly its stored members", async () => {
    for (const s of [...found, longTenure]) expect((await selectCustomers(pool, { segmentId: s.id })).sort()).toEqual(await storedMembers(s.id));
  });

  test("a deleted customer leaves every segment", async () => {
    const member = (await storedMembers(longTenure.id))[0]!;
    await pool.query(`DELETE FROM "Customer" WHERE id = $1`, [member]);
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "SegmentMember" WHERE "customerId" = $1`, [member]);
    expect(rows[0]?.n).toBe(0);
  });
});
