// Test helpers: Telco-layout rows built from one typical customer, written as CSV or JSON files.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { TELCO_COLUMNS } from "../telco";

export type TelcoRow = Record<(typeof TELCO_COLUMNS)[number], string>;

/** The data set's first row (7590-VHVEG): DSL, no phone, month-to-month, one month of tenure. */
export const typicalRow: TelcoRow = {
  customerID: "7590-VHVEG",
  gender: "Female",
  SeniorCitizen: "0",
  Partner: "Yes",
  Dependents: "No",
  tenure: "1",
  PhoneService: "No",
  MultipleLines: "No phone service",
  InternetService: "DSL",
  OnlineSecurity: "No",
  OnlineBackup: "Yes",
  DeviceProtection: "No",
  TechSupport: "No",
  StreamingTV: "No",
  StreamingMovies: "No",
  Contract: "Month-to-month",
  PaperlessBilling: "Yes",
  PaymentMethod: "Electronic check",
  MonthlyCharges: "29.85",
  TotalCharges: "29.85",
  Churn: "No",
};

/** A row like `typicalRow` with `id` and any changed fields. */
export function telcoRow(id: string, changes: Partial<TelcoRow> = {}): TelcoRow {
  return { ...typicalRow, customerID: id, ...changes };
}

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** CSV text with the data set's header and CRLF line ends. */
export function telcoCsv(rows: readonly Record<string, string>[], columns: readonly string[] = TELCO_COLUMNS): string {
  const lines = [columns.map(csvField).join(","), ...rows.map((r) => columns.map((c) => csvField(r[c] ?? "")).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

/** A scratch directory for import files; `cleanup()` removes it. */
export async function scratchDir(): Promise<{ write: (name: string, text: string) => Promise<string>; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "cvm-import-"));
  return {
    write: async (name, text) => {
      const file = path.join(dir, name);
      await writeFile(file, text);
      return file;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
