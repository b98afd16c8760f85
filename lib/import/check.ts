// Checks an import file's rows against a layout (Telco's, or a mapping's) as they are read: each good customer is
// handed on at once (to be staged), problems are counted and the first of them kept, and a file
// that cannot be read as a whole stops the check. Nothing is held per row, so memory stays the
// same whatever the file's size. No database here: repeated customerIDs are found where the
// customers are staged.
import { telcoLayout, type CustomerLayout } from "./layout";
import type { RowProblem, SourceItem } from "./source";
import type { CustomerRecord } from "./telco";

/** How many problems an import keeps to report and store; the count covers them all. */
export const KEPT_PROBLEMS = 1_000;

/** Problems in any order in, the first `cap` in file order out, with how many there were in all. */
export class ProblemList {
  private items: { place: number; problem: RowProblem }[] = [];
  private total = 0;

  constructor(private readonly cap = KEPT_PROBLEMS) {}

  add(place: number, problem: RowProblem): void {
    this.total += 1;
    this.items.push({ place, problem });
    // Sorting only when twice the cap have gathered keeps adding cheap and memory bounded.
    if (this.items.length >= this.cap * 2) this.trim();
  }

  /** Counts problems known only by number (found beyond what was listed). */
  addUnlisted(n: number): void {
    this.total += n;
  }

  get count(): number {
    return this.total;
  }

  /** The first problems in file order, at most `cap`. */
  list(): RowProblem[] {
    this.trim();
    return this.items.map((i) => i.problem);
  }

  private trim(): void {
    this.items.sort((a, b) => a.place - b.place);
    this.items.length = Math.min(this.items.length, this.cap);
  }
}

export type CheckResult =
  | { ok: true; rowsRead: number; staged: number; problems: ProblemList }
  /** The file cannot be read as customers as a whole (bad header, broken quoting, too many rows...). */
  | { ok: false; reason: string };

const count = (n: number) => n.toLocaleString("en-GB");

/**
 * Reads `items` (batches, in file order) to the end, passing each customer that passes the checks to `stage` with its
 * place in the file; `rowsRead` counts data rows, good or bad (header and blank lines are not rows).
 */
export async function checkRows(
  items: AsyncIterable<Iterable<SourceItem>>,
  opts: {
    maxRows: number;
    stage: (customer: CustomerRecord, place: number) => void | Promise<void>;
    log?: (m: string) => void;
    /** How rows become customers; the Telco layout by default. */
    layout?: CustomerLayout;
    /** Rows read so far, after each batch of the file. */
    onRead?: (rowsRead: number) => void;
  },
): Promise<CheckResult> {
  const layout = opts.layout ?? telcoLayout;
  const problems = new ProblemList();
  let rowsRead = 0;
  let staged = 0;
  let loggedAt = performance.now();
  for await (const batch of items) {
    for (const item of batch) {
      if (item.type === "refused") return { ok: false, reason: item.reason };
      if (item.type === "columns") {
        // A CSV header names its columns once for every row; a JSON record names its own.
        const refusal = layout.headerProblem(item.columns);
        if (refusal !== null) return { ok: false, reason: refusal };
        continue;
      }
      rowsRead += 1;
      if (rowsRead > opts.maxRows) return { ok: false, reason: `more than ${count(opts.maxRows)} rows (IMPORT_MAX_ROWS); split the file` };
      if (item.type === "problem") {
        problems.add(item.place, item.problem);
        continue;
      }
      const check = layout.mapRow(item.row, item.place);
      if (!check.ok) {
        problems.add(item.place, { where: item.row.where, reason: check.reasons.join("; ") });
        continue;
      }
      const pending = opts.stage(check.customer, item.place);
      if (pending) await pending;
      staged += 1;
    }
    opts.onRead?.(rowsRead);
    if (opts.log && performance.now() - loggedAt > 5_000) {
      loggedAt = performance.now();
      opts.log(`Read ${count(rowsRead)} rows...`);
    }
  }
  if (rowsRead === 0) return { ok: false, reason: "no customer rows found" };
  return { ok: true, rowsRead, staged, problems };
}
