// What an import tells its user: the notes on what was derived or left out, and the printed
// report. Pure, so the same words go to the terminal and into the import batch's record.
import type { ImportFormat, RowProblem } from "./source";
import { DEFAULT_LANGUAGE, UNKNOWN_REGION } from "./telco";

export type ImportFacts = {
  /** Customers whose TotalCharges was blank (all tenure 0), stored with total revenue null; `ids` names the first 100. */
  blankTotalCharges: { count: number; ids: string[] };
  churned: { yes: number; no: number; unknown: number };
  segments: Record<string, number>;
  valueTiers: Record<string, number>;
};

export type ImportSummary = {
  batchId: string;
  fileName: string;
  format: ImportFormat;
  rowsRead: number;
  inserted: number;
  updated: number;
  /** The first rows left out under `isSkipInvalid`, in file order; `skippedTotal` counts them all. */
  skipped: RowProblem[];
  skippedTotal: number;
  facts: ImportFacts;
  notes: string[];
  /** When the same file (by content) was imported before, the latest time it was. */
  previousImportAt: string | null;
  durationMs: number;
};

/** How far an import has come: rows read so far, then rows written of how many. */
export type ImportProgress = { phase: "reading" | "writing"; rowsRead: number; written?: number; total?: number };

/** How many listed problems a report shows before it says how many more there are. */
export const PROBLEM_LISTING_CAP = 20;

const count = (n: number) => n.toLocaleString("en-GB");

/** The notes that explain what the import did with what the file lacks or leaves blank. */
export function notesFor(facts: ImportFacts): string[] {
  const notes: string[] = [];
  const blank = facts.blankTotalCharges;
  if (blank.count > 0) {
    const sample = blank.ids.slice(0, 5).join(", ") + (blank.count > 5 ? ", ..." : "");
    notes.push(
      `TotalCharges was blank (empty or spaces) for ${count(blank.count)} ${blank.count === 1 ? "customer" : "customers"} (${sample}), all with tenure 0: ` +
        "new customers not billed yet. Their total revenue is stored as unknown (null, shown as a dash), not as 0; " +
        "monthly revenue and value tier come from MonthlyCharges.",
    );
  }
  const { yes, no, unknown } = facts.churned;
  notes.push(
    `Churn outcome kept on each customer: ${count(yes)} churned (Churn = Yes), ${count(no)} not churned` +
      (unknown > 0 ? `, ${count(unknown)} unknown (Churn blank).` : "."),
  );
  notes.push(
    "No contact permissions were imported (the file has none): imported customers get no marketing contact until consent is recorded for them.",
  );
  notes.push(
    "No journey events were imported (the file has none): churn risk for imported customers comes from their profile (contract, tenure, charges, services, billing).",
  );
  notes.push(`Region is "${UNKNOWN_REGION}" and language "${DEFAULT_LANGUAGE}" for imported customers: the file records neither.`);
  notes.push(
    "Segment: senior when SeniorCitizen is 1, else family when Partner or Dependents is Yes, else consumer. " +
      "Value tier: MonthlyCharges lifted by up to half for tenure (up to 72 months), then premium from 110, high from 62, medium from 24, else low.",
  );
  return notes;
}

/**
 * Problems as "line N: reason" lines, at most `cap` of them, then how many more there are out of
 * `total` (default: as many as given; more when only the first problems were kept).
 */
export function formatProblems(problems: readonly RowProblem[], opts: { total?: number; cap?: number } = {}): string[] {
  const cap = opts.cap ?? PROBLEM_LISTING_CAP;
  const total = Math.max(opts.total ?? problems.length, problems.length);
  const shown = problems.slice(0, cap);
  const lines = shown.map((p) => `  ${p.where}: ${p.reason}`);
  if (total > shown.length) lines.push(`  ... and ${count(total - shown.length)} more (${count(total)} in total)`);
  return lines;
}

const breakdown = (tallies: Record<string, number>, order: readonly string[]) =>
  order.filter((k) => (tallies[k] ?? 0) > 0).map((k) => `${k} ${count(tallies[k] ?? 0)}`).join(", ");

/** The report printed after a successful import. */
export function formatImportReport(s: ImportSummary): string {
  const lines = [
    `Imported ${s.fileName} (${s.format.toUpperCase()}) in ${(s.durationMs / 1000).toFixed(2)} s, batch ${s.batchId}:`,
    `  rows read   ${count(s.rowsRead)}`,
    `  inserted    ${count(s.inserted)}`,
    `  updated     ${count(s.updated)}${s.updated > 0 ? " (existing customers updated in place; their journeys, permissions and recommendations are kept)" : ""}`,
    `  skipped     ${count(s.skippedTotal)}`,
    `  segments    ${breakdown(s.facts.segments, ["consumer", "family", "senior"])}`,
    `  value tiers ${breakdown(s.facts.valueTiers, ["low", "medium", "high", "premium"])}`,
  ];
  if (s.previousImportAt !== null) lines.push(`  This file was imported before (latest ${s.previousImportAt}); no customer was duplicated.`);
  if (s.skippedTotal > 0) lines.push("Skipped rows:", ...formatProblems(s.skipped, { total: s.skippedTotal }));
  lines.push("Notes:", ...s.notes.map((n) => `  - ${n}`));
  return lines.join("\n");
}
