// The catalog as runs load it and managers edit it, against PostgreSQL: stored eligibility rules
// pass the one strict schema or name the treatment and field that fail it.
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { seedCatalog } from "../../prisma/seed/catalog";
import type { Actor } from "../auth/roles";
import { createTestDatabase, type TestDatabase } from "../database/testing";
import { AppError } from "../errors";
import { loadCatalog } from "./catalog";
import { updateTreatment } from "./catalog-edit";

const manager: Actor = { id: null, label: "Catalog test (manager)", role: "manager" };

let t: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  t = await createTestDatabase();
  pool = new pg.Pool({ connectionString: t.url, max: 2 });
});

afterAll(async () => {
  await pool.end();
  await t.drop();
});

beforeEach(async () => {
  await pool.query(`TRUNCATE "AuditLog", "Treatment", "ResourceConstraint" CASCADE`);
  await seedCatalog(pool, { customerCount: 500, anchor: new Date("2026-03-01T00:00:00Z") });
});

async function storeEligibility(key: string, eligibility: unknown): Promise<void> {
  await pool.query(`UPDATE "Treatment" SET eligibility = $2::jsonb WHERE key = $1`, [key, JSON.stringify(eligibility)]);
}

async function refusal(work: Promise<unknown>): Promise<AppError> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe("loadCatalog", () => {
  test("loads the seeded catalog with its rules as written", async () => {
    const catalog = await loadCatalog(pool);
    expect(catalog).toHaveLength(12);
    expect(catalog.find((c) => c.key === "early_upgrade")?.eligibility).toEqual({ minTenureMonths: 18, requiresPatterns: ["device_upgrade_due"] });
  });

  test.each([
    { case: "a misspelt rule", eligibility: { minChurnrisk: 0.5 }, field: "minChurnrisk" },
    { case: "a churn risk above 1", eligibility: { minChurnRisk: 1.5 }, field: "minChurnRisk" },
    { case: "an unknown value tier", eligibility: { valueTiers: ["gold"] }, field: "valueTiers" },
    { case: "a maximum tenure below the minimum", eligibility: { minTenureMonths: 12, maxTenureMonths: 6 }, field: "maxTenureMonths" },
    { case: "a list instead of rules", eligibility: ["everyone"], field: "eligibility" },
  ])("stops on $case, naming the treatment and $field", async ({ eligibility, field }) => {
    await storeEligibility("retention_sms", eligibility);
    const err = await refusal(loadCatalog(pool));
    expect(err.code).toBe("conflict");
    expect(err.userMessage).toContain("Retention SMS offer (retention_sms)");
    expect(err.userMessage).toContain(`invalid eligibility rules in ${field}.`);
    expect(err.detail).toMatchObject({ treatmentKey: "retention_sms", problems: [{ field }] });
  });

  test("ignores invalid rules of an inactive treatment, which no run can choose", async () => {
    await storeEligibility("retention_sms", { minChurnRisk: 1.5 });
    await pool.query(`UPDATE "Treatment" SET "isActive" = false WHERE key = 'retention_sms'`);
    expect((await loadCatalog(pool)).map((c) => c.key)).not.toContain("retention_sms");
  });
});

describe("updateTreatment with invalid stored rules", () => {
  const edit = (isActive: boolean) => ({
    key: "retention_sms",
    name: "Retention SMS offer",
    description: "A retention offer sent by SMS.",
    costPerContact: 0.5,
    priority: 2,
    expectedEffect: 0.08,
    isActive,
  });

  test.each([
    { case: "keeping it active", before: true },
    { case: "activating it", before: false },
  ])("refuses $case, naming the field", async ({ before }) => {
    await storeEligibility("retention_sms", { minAge: 18 });
    await pool.query(`UPDATE "Treatment" SET "isActive" = $1 WHERE key = 'retention_sms'`, [before]);
    const err = await refusal(updateTreatment(pool, { actor: manager, input: edit(true) }));
    expect(err.userMessage).toContain("Retention SMS offer cannot be active");
    expect(err.userMessage).toContain("minAge is not an eligibility rule.");
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "AuditLog"`);
    expect(rows[0].n).toBe(0);
  });

  test("lets it be deactivated, after which runs load the catalog again", async () => {
    await storeEligibility("retention_sms", { minAge: 18 });
    await expect(loadCatalog(pool)).rejects.toThrow("retention_sms");
    const result = await updateTreatment(pool, { actor: manager, input: edit(false) });
    expect(result).toMatchObject({ isChanged: true, after: { isActive: false } });
    expect(await loadCatalog(pool)).toHaveLength(11);
  });
});
