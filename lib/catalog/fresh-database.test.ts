// A fresh database reached the way every command reaches it, then an import of Telco rows and a
// run: the catalog and capacities are there without the demo seed, so no customer fails.
import pg from "pg";
import { afterAll, describe, expect, test } from "vitest";
import { openDatabase } from "../database/connection";
import { createEmptyDatabase } from "../database/testing";
import { importCustomersFile, importLimitsFrom, openImportFile } from "../import";
import { importRecords } from "../import/records";
import { scratchDir, telcoCsv, telcoRow } from "../import/testing/telco-rows";
import { createRun, executeRun } from "../pipeline/runs";

const rows = [
  telcoRow("0001-AAAAA"),
  telcoRow("0002-BBBBB", { tenure: "40", Contract: "Two year", MonthlyCharges: "105.50", TotalCharges: "4220.00", InternetService: "Fiber optic", PhoneService: "Yes", MultipleLines: "Yes" }),
  telcoRow("0003-CCCCC", { SeniorCitizen: "1", tenure: "3", MonthlyCharges: "89.10", TotalCharges: "267.30", InternetService: "Fiber optic", PhoneService: "Yes", MultipleLines: "No" }),
  telcoRow("0004-DDDDD", { Partner: "No", tenure: "0", TotalCharges: " ", MonthlyCharges: "20.05", InternetService: "No", PhoneService: "Yes", MultipleLines: "No", OnlineSecurity: "No internet service", OnlineBackup: "No internet service", DeviceProtection: "No internet service", TechSupport: "No internet service", StreamingTV: "No internet service", StreamingMovies: "No internet service" }),
  telcoRow("0005-EEEEE", { tenure: "24", Contract: "One year", MonthlyCharges: "70.00", TotalCharges: "1680.00", Churn: "Yes" }),
  telcoRow("0006-FFFFF", { tenure: "60", Contract: "Two year", MonthlyCharges: "115.00", TotalCharges: "6900.00", PaymentMethod: "Credit card (automatic)", InternetService: "Fiber optic", PhoneService: "Yes", MultipleLines: "Yes" }),
];

describe("a fresh database, an import and a run", () => {
  const made: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of made) await drop();
  });

  test.each([
    { title: "without contact permissions, every customer is decided: no action, for want of consent", hasConsent: false, pending: 0 },
    { title: "with marketing consent on call, SMS and email imported beside them, decisions await review", hasConsent: true, pending: 6 },
  ])("$title", async ({ hasConsent, pending }) => {
    const { url, drop } = await createEmptyDatabase();
    made.push(drop);
    await openDatabase({ env: { ...process.env, DATABASE_URL: url } });
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    made.unshift(() => pool.end());
    expect((await pool.query(`SELECT count(*)::int AS n FROM "Treatment"`)).rows[0]).toEqual({ n: 12 });

    const dir = await scratchDir();
    made.push(() => dir.cleanup());
    const imported = await importCustomersFile({ url, filePath: await dir.write("telco.csv", telcoCsv(rows)) });
    expect(imported).toMatchObject({ ok: true, summary: { inserted: rows.length } });
    if (hasConsent) {
      const consent = [["customerID", "channel", "marketing", "serviceUpdates", "billing"], ...rows.flatMap((r) => ["call", "sms", "email"].map((ch) => [r.customerID, ch, "yes", "yes", "yes"]))];
      const opened = await openImportFile({ filePath: await dir.write("consent.csv", consent.map((l) => l.join(",")).join("\n")), limits: importLimitsFrom() });
      if (!opened.ok) throw new Error(opened.reason);
      expect(await importRecords({ url, file: opened.file, kind: "permissions", maxRows: 100 })).toMatchObject({ ok: true, summary: { inserted: rows.length * 3 } });
    }

    const { runId, customerIds } = await createRun(pool, { scope: { limit: 100 }, policy: "rules" });
    const summary = await executeRun(pool, { runId, customerIds, policy: "rules", model: null });
    expect(summary).toMatchObject({ processed: rows.length, failures: [], byStatus: { failed: 0, pending_review: pending, no_action: rows.length - pending } });
    const noAction = await pool.query(`SELECT 1 FROM "Recommendation" WHERE "runId" = $1 AND "treatmentKey" = 'ignore'`, [runId]);
    expect(noAction.rowCount).toBe(rows.length - pending);
  }, 60_000);
});
