// Test helpers: rows in the call-usage churn layout (State, Account length, Area code, ...), which
// has no customer key, no contract and no total revenue. Made up here, not taken from any data set.
import { telcoCsv } from "./telco-rows";

export const STATE_CHURN_COLUMNS = [
  "State",
  "Account length",
  "Area code",
  "International plan",
  "Voice mail plan",
  "Number vmail messages",
  "Total day minutes",
  "Total day calls",
  "Total day charge",
  "Total eve minutes",
  "Total eve calls",
  "Total eve charge",
  "Total night minutes",
  "Total night calls",
  "Total night charge",
  "Total intl minutes",
  "Total intl calls",
  "Total intl charge",
  "Customer service calls",
  "Churn",
] as const;

export type StateChurnRow = Record<(typeof STATE_CHURN_COLUMNS)[number], string>;

/** An account of 128 days in Kansas with voicemail, charged 45.07 + 16.78 + 11.01 + 2.70 = 75.56. */
export const typicalStateRow: StateChurnRow = {
  State: "KS",
  "Account length": "128",
  "Area code": "415",
  "International plan": "No",
  "Voice mail plan": "Yes",
  "Number vmail messages": "25",
  "Total day minutes": "265.1",
  "Total day calls": "110",
  "Total day charge": "45.07",
  "Total eve minutes": "197.4",
  "Total eve calls": "99",
  "Total eve charge": "16.78",
  "Total night minutes": "244.7",
  "Total night calls": "91",
  "Total night charge": "11.01",
  "Total intl minutes": "10.0",
  "Total intl calls": "3",
  "Total intl charge": "2.70",
  "Customer service calls": "1",
  "Churn": "False",
};

export function stateRow(changes: Partial<StateChurnRow> = {}): StateChurnRow {
  return { ...typicalStateRow, ...changes };
}

/** CSV text in this layout (header first, CRLF line ends). */
export function stateChurnCsv(rows: readonly Record<string, string>[]): string {
  return telcoCsv(rows, STATE_CHURN_COLUMNS);
}
