// The Telco customer layout (IBM's "Telco Customer Churn" columns): how one row is checked and
// turned into a customer profile. Pure: no database, no file system.
//
// Mapping rules, stated once so the report and the tests can point at them:
//  - id: customerID; name: "Customer <customerID>" (the data has no names).
//  - segment: "senior" when SeniorCitizen is 1, else "family" when Partner or Dependents is Yes,
//    else "consumer" (the segments the treatment catalog's eligibility rules use).
//  - plan: the services held, e.g. "Fibre broadband & phone", "DSL broadband", "Phone only".
//  - contractType: Month-to-month / One year / Two year → month_to_month / one_year / two_year.
//  - tenureMonths: tenure; monthlyRevenue: MonthlyCharges; totalRevenue: TotalCharges, or null
//    when it is blank (allowed only with tenure 0: a new customer not billed yet).
//  - valueTier: the value tier rule (`lib/agents/rules/value-tier.ts`): monthly charge lifted by up to half for tenure.
//  - region "Unknown" and language "en": the data records neither.
//  - churned: Churn Yes → true, No → false, blank → null (outcome not known).
//  - attributes: every column of the row as the file gave it, so the churn-risk model reads the
//    services, contract, billing and payment facts under their original names.
import type { ValueTier } from "../agents/domain";
import { valueTierFor } from "../agents/rules/value-tier";
import type { RawValue, SourceRow } from "./source";

/** A customer ready to be written; money stays a decimal string so no pence are lost to floats. */
export type CustomerRecord = {
  id: string;
  name: string;
  /** The Telco layout gives senior, family or consumer; a mapping may give any segment. */
  segment: string;
  plan: string;
  /** month_to_month, one_year or two_year; "unknown" when a mapped file does not say. */
  contractType: string;
  tenureMonths: number;
  /** GBP, at most two decimals. */
  monthlyRevenue: string;
  /** GBP, at most two decimals; null when the file leaves it blank. */
  totalRevenue: string | null;
  valueTier: ValueTier;
  region: string;
  language: string;
  churned: boolean | null;
  attributes: Record<string, RawValue>;
};

export type RowCheck = { ok: true; customer: CustomerRecord } | { ok: false; reasons: string[] };

export const UNKNOWN_REGION = "Unknown";
export const DEFAULT_LANGUAGE = "en";

const YES_NO = ["Yes", "No"] as const;
const INTERNET_EXTRA = ["Yes", "No", "No internet service"] as const;

/** Columns with a closed set of values, spelled as in the data set. */
const CHOICES = {
  gender: ["Female", "Male"],
  Partner: YES_NO,
  Dependents: YES_NO,
  PhoneService: YES_NO,
  MultipleLines: ["Yes", "No", "No phone service"],
  InternetService: ["DSL", "Fiber optic", "No"],
  OnlineSecurity: INTERNET_EXTRA,
  OnlineBackup: INTERNET_EXTRA,
  DeviceProtection: INTERNET_EXTRA,
  TechSupport: INTERNET_EXTRA,
  StreamingTV: INTERNET_EXTRA,
  StreamingMovies: INTERNET_EXTRA,
  Contract: ["Month-to-month", "One year", "Two year"],
  PaperlessBilling: YES_NO,
  PaymentMethod: ["Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"],
} as const satisfies Record<string, readonly string[]>;

/** Every column the layout needs, in the data set's order. */
export const TELCO_COLUMNS = [
  "customerID",
  "gender",
  "SeniorCitizen",
  "Partner",
  "Dependents",
  "tenure",
  "PhoneService",
  "MultipleLines",
  "InternetService",
  "OnlineSecurity",
  "OnlineBackup",
  "DeviceProtection",
  "TechSupport",
  "StreamingTV",
  "StreamingMovies",
  "Contract",
  "PaperlessBilling",
  "PaymentMethod",
  "MonthlyCharges",
  "TotalCharges",
  "Churn",
] as const;

const CONTRACT_TYPES: Record<(typeof CHOICES.Contract)[number], CustomerRecord["contractType"]> = {
  "Month-to-month": "month_to_month",
  "One year": "one_year",
  "Two year": "two_year",
};

/** Largest amounts the columns hold: numeric(10,2) and numeric(12,2). */
const MAX_MONTHLY = 99_999_999.99;
const MAX_TOTAL = 9_999_999_999.99;
const MAX_TENURE_MONTHS = 1_200;
const MAX_ID_LENGTH = 64;

/** The layout's columns missing from a header, in the data set's order. */
export function missingTelcoColumns(columns: readonly string[]): string[] {
  const present = new Set(columns);
  return TELCO_COLUMNS.filter((c) => !present.has(c));
}

// Each column's choices by folded spelling, built once: the check runs for every row of big files.
const CHOICE_LOOKUP = new Map<string, Map<string, string>>(
  Object.entries(CHOICES).map(([column, choices]) => [column, new Map(choices.map((c) => [c.toLowerCase(), c]))]),
);

/** The canonical spelling of `value` among `column`'s choices, ignoring case and surrounding spaces. */
function choose(column: keyof typeof CHOICES, value: string): string | null {
  return CHOICE_LOOKUP.get(column)?.get(value.trim().toLowerCase()) ?? null;
}

/** Yes/No, also true/false (JSON booleans); null for anything else. */
function yesNo(value: string): boolean | null {
  const folded = value.trim().toLowerCase();
  if (folded === "yes" || folded === "true") return true;
  if (folded === "no" || folded === "false") return false;
  return null;
}

/** SeniorCitizen is 0/1 in the data set; yes/no and true/false are read too. */
function zeroOne(value: string): boolean | null {
  const folded = value.trim();
  if (folded === "1") return true;
  if (folded === "0") return false;
  return yesNo(folded);
}

/** A non-negative amount with at most two decimals, as a decimal string; null if not one. */
function money(value: string): string | null {
  const trimmed = value.trim();
  return /^\d+(\.\d{1,2})?$/.test(trimmed) || /^\d*\.\d{1,2}$/.test(trimmed) ? trimmed : null;
}

const quote = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

/** Plan name from the services held. */
export function telcoPlanName(internet: (typeof CHOICES.InternetService)[number], hasPhone: boolean): string {
  const broadband = internet === "Fiber optic" ? "Fibre broadband" : internet === "DSL" ? "DSL broadband" : null;
  if (broadband && hasPhone) return `${broadband} & phone`;
  if (broadband) return broadband;
  return hasPhone ? "Phone only" : "No services";
}

/** Segment from the household facts (see the file comment). */
export function telcoSegment(opts: { isSenior: boolean; hasPartner: boolean; hasDependents: boolean }): "senior" | "family" | "consumer" {
  if (opts.isSenior) return "senior";
  if (opts.hasPartner || opts.hasDependents) return "family";
  return "consumer";
}

/** Checks one row and maps it to a customer; every problem in the row is listed, not just the first. */
export function mapTelcoRow(row: SourceRow): RowCheck {
  const f = row.fields;
  const reasons: string[] = [];
  const missing = TELCO_COLUMNS.filter((c) => f[c] === undefined);
  if (missing.length > 0) return { ok: false, reasons: [`missing ${missing.length === 1 ? "field" : "fields"} ${missing.join(", ")}`] };
  const get = (column: (typeof TELCO_COLUMNS)[number]) => f[column] ?? "";

  const id = get("customerID").trim();
  if (id === "") reasons.push("customerID is blank");
  else if (id.length > MAX_ID_LENGTH) reasons.push(`customerID is longer than ${MAX_ID_LENGTH} characters`);
  else if (/[\u0000-\u001f\u007f]/.test(id)) reasons.push("customerID contains control characters");

  const choices = {} as { [K in keyof typeof CHOICES]: (typeof CHOICES)[K][number] };
  for (const column of Object.keys(CHOICES) as (keyof typeof CHOICES)[]) {
    const value = get(column);
    const allowed: readonly string[] = CHOICES[column];
    const flag = allowed === YES_NO ? yesNo(value) : null;
    const picked = allowed === YES_NO ? (flag === null ? null : flag ? "Yes" : "No") : choose(column, value);
    if (picked === null) {
      reasons.push(value.trim() === "" ? `${column} is blank` : `${column} ${quote(value)} is not one of ${allowed.join(", ")}`);
    } else {
      (choices as Record<string, string>)[column] = picked;
    }
  }

  const isSenior = zeroOne(get("SeniorCitizen"));
  if (isSenior === null) reasons.push(`SeniorCitizen ${quote(get("SeniorCitizen"))} is not 0 or 1`);

  const tenureText = get("tenure").trim();
  const tenure = /^\d+$/.test(tenureText) ? Number(tenureText) : null;
  if (tenure === null) reasons.push(tenureText === "" ? "tenure is blank" : `tenure ${quote(tenureText)} is not a whole number of months`);
  else if (tenure > MAX_TENURE_MONTHS) reasons.push(`tenure ${tenure} is more than ${MAX_TENURE_MONTHS} months`);

  const monthly = money(get("MonthlyCharges"));
  if (monthly === null) reasons.push(get("MonthlyCharges").trim() === "" ? "MonthlyCharges is blank" : `MonthlyCharges ${quote(get("MonthlyCharges"))} is not an amount`);
  else if (Number(monthly) > MAX_MONTHLY) reasons.push(`MonthlyCharges ${monthly} is too large`);

  const totalText = get("TotalCharges").trim();
  const total = totalText === "" ? null : money(totalText);
  if (totalText !== "" && total === null) reasons.push(`TotalCharges ${quote(totalText)} is not an amount`);
  else if (total !== null && Number(total) > MAX_TOTAL) reasons.push(`TotalCharges ${total} is too large`);
  else if (totalText === "" && tenure !== null && tenure > 0) reasons.push(`TotalCharges is blank but tenure is ${tenure} months (blank is accepted only for new customers, tenure 0)`);

  const churnText = get("Churn").trim();
  const churned = churnText === "" ? null : yesNo(churnText);
  if (churnText !== "" && churned === null) reasons.push(`Churn ${quote(churnText)} is not Yes or No`);

  if (reasons.length > 0 || tenure === null || monthly === null || isSenior === null) return { ok: false, reasons };

  const monthlyRevenue = Number(monthly);
  return {
    ok: true,
    customer: {
      id,
      name: `Customer ${id}`,
      segment: telcoSegment({ isSenior, hasPartner: choices.Partner === "Yes", hasDependents: choices.Dependents === "Yes" }),
      plan: telcoPlanName(choices.InternetService, choices.PhoneService === "Yes"),
      contractType: CONTRACT_TYPES[choices.Contract],
      tenureMonths: tenure,
      monthlyRevenue: monthly,
      totalRevenue: total,
      valueTier: valueTierFor(monthlyRevenue, tenure),
      region: UNKNOWN_REGION,
      language: DEFAULT_LANGUAGE,
      churned,
      attributes: row.raw,
    },
  };
}
