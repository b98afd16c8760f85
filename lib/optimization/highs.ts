// The LP port on HiGHS compiled to WebAssembly: the linear programme is written in CPLEX LP format,
// the only input its one-shot API reads.
import highsLoader from "highs";
import type { LinearProgram, LpSolution, LpSolver } from "../agents/allocation/ports";

type Highs = Awaited<ReturnType<typeof highsLoader>>;
let loading: Promise<Highs> | null = null;

// LP format readers cap line length; a few terms a line stays well inside it.
const TERMS_PER_LINE = 8;

function termsOf(terms: [string, number][]): string {
  const parts = terms.map(([name, c]) => `${c < 0 ? "-" : "+"} ${Math.abs(c)} ${name}`);
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += TERMS_PER_LINE) lines.push(parts.slice(i, i + TERMS_PER_LINE).join(" "));
  return lines.join("\n  ");
}

/** The programme in CPLEX LP format; rows without terms bind nothing and are left out. */
export function toLpFormat(lp: LinearProgram): string {
  const objective = lp.columns.filter((c) => c.objective !== 0).map((c): [string, number] => [c.name, c.objective]);
  const rows = lp.rows.filter((r) => r.terms.length > 0);
  return [
    "Maximize",
    ` obj: ${objective.length > 0 ? termsOf(objective) : `0 ${lp.columns[0]?.name ?? "x"}`}`,
    "Subject To",
    ...rows.map((r) => ` ${r.name}: ${termsOf(r.terms)} <= ${r.upper}`),
    "Bounds",
    ...lp.columns.map((c) => ` 0 <= ${c.name} <= ${c.upper}`),
    "End",
  ].join("\n");
}

/** An LpSolver on HiGHS; the WebAssembly module is loaded once per process. */
export function createHighsSolver(): LpSolver {
  return {
    async solve(lp: LinearProgram): Promise<LpSolution> {
      loading ??= highsLoader();
      const highs = await loading;
      const rows = lp.rows.filter((r) => r.terms.length > 0);
      const solution = highs.solve(toLpFormat(lp), { presolve: "off", output_flag: false });
      if (solution.Status !== "Optimal") throw new Error(`HiGHS found no optimum: ${solution.Status}`);
      const primal = new Map<string, number>();
      for (const [name, column] of Object.entries(solution.Columns)) primal.set(name, column.Primal);
      const duals = new Map<string, number>(lp.rows.map((r) => [r.name, 0]));
      // For a ≤ row of a maximisation the gain per unit of bound is never negative; HiGHS signs it by its own convention.
      solution.Rows.forEach((row, i) => duals.set(rows[i]!.name, "Dual" in row ? Math.abs(Number(row.Dual)) : 0));
      return { objective: solution.ObjectiveValue, primal, duals };
    },
  };
}
