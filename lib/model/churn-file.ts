// Reads a labelled churn file in the Telco Customer Churn layout (customerID, Contract, tenure,
// MonthlyCharges, Churn and the service and billing columns) into rows the churn model fits on.
// Every column is kept as an attribute, as the customer import keeps it, so the model reads a
// fitted row exactly as it later reads an imported customer.
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import type { ChurnRow } from "../agents/model/churn-fit";

export const DEFAULT_CHURN_FILE = "../shared/datasets/telco-customer-churn.csv";

const REQUIRED = ["customerID", "Contract", "tenure", "MonthlyCharges", "Churn"] as const;
const CHURN_VALUES: Record<string, boolean> = { yes: true, no: false, true: true, false: false, "1": true, "0": false };

export class ChurnFileError extends Error {}

/** The rows of a CSV churn file; refuses the whole file, naming the first bad line, when a row cannot be read. */
export function parseChurnCsv(text: string): ChurnRow[] {
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  const header = records[0] ? Object.keys(records[0]) : [];
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (records.length === 0) throw new ChurnFileError("The file holds no rows.");
  if (missing.length > 0) throw new ChurnFileError(`The file lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}.`);
  return records.map((r, i) => {
    const line = i + 2;
    const tenure = Number(r.tenure);
    const charge = Number(r.MonthlyCharges);
    const churned = CHURN_VALUES[(r.Churn ?? "").toLowerCase()];
    if (!r.customerID) throw new ChurnFileError(`Line ${line}: customerID is blank.`);
    if (r.tenure === "" || !Number.isFinite(tenure) || tenure < 0) throw new ChurnFileError(`Line ${line}: tenure "${r.tenure}" is not a number of months.`);
    if (r.MonthlyCharges === "" || !Number.isFinite(charge) || charge < 0) throw new ChurnFileError(`Line ${line}: MonthlyCharges "${r.MonthlyCharges}" is not an amount.`);
    if (churned === undefined) throw new ChurnFileError(`Line ${line}: Churn "${r.Churn}" is not Yes or No.`);
    return { id: r.customerID, profile: { contractType: r.Contract ?? "", tenureMonths: tenure, monthlyRevenue: charge, attributes: { ...r } }, churned };
  });
}

export async function readChurnFile(path: string): Promise<ChurnRow[]> {
  return parseChurnCsv(await readFile(path, "utf8"));
}
