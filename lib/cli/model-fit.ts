// `npm run model:fit -- [FILE]`: fits the churn model's profile weights and calibration on a
// labelled churn file, reports how it ranks and how well its probabilities match on customers no
// scoring model saw (every row scored by a model fitted on the other folds), and writes the model
// fitted on every row to lib/agents/journey/weights.ts, which the risk score reads.
import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { exitOnBadArgs, parseCommandArgs } from "./args";
import { type ChurnModelScore, type HeldOutScore, fitChurnModel } from "../agents/model/churn-fit";
import { ChurnFileError, DEFAULT_CHURN_FILE, readChurnFile } from "../model/churn-file";

const WEIGHTS_FILE = "lib/agents/journey/weights.ts";
/** What the model must reach on customers it was not fitted on. */
const TARGET_AUC = 0.84;
const TARGET_MAX_GAP_POINTS = 3;

const usage = `Usage: npm run model:fit -- [FILE] [--dry-run] [--json]

FILE is a CSV in the Telco Customer Churn layout (default ${DEFAULT_CHURN_FILE}).
Every customer is scored by a model fitted without them (10-fold cross-fitting, folds by a hash of
customerID); the targets are read on those scores. The model written is fitted on every row.
Writes ${WEIGHTS_FILE} unless --dry-run. --json prints the report as one JSON object.`;

const parsed = parseCommandArgs(process.argv.slice(2), { "dry-run": { type: "boolean" }, json: { type: "boolean" } }, { maxPositionals: 1 });
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const filePath = parsed.positionals[0] ?? DEFAULT_CHURN_FILE;

const rows = await readChurnFile(filePath).catch((err: unknown) => {
  const reason = err instanceof ChurnFileError ? err.message : (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file." : String(err);
  console.error(`[model] Cannot fit on ${filePath}: ${reason}`);
  process.exit(1);
});
const report = fitChurnModel(rows);
const held = report.crossFitted;
const isOnTarget = held.auc >= TARGET_AUC && held.maxGapPoints <= TARGET_MAX_GAP_POINTS;

const pct = (x: number) => (x * 100).toFixed(1);
function table(name: string, s: ChurnModelScore): string[] {
  return [
    `${name}: ${s.rows.toLocaleString("en-GB")} customers, AUC ${s.auc.toFixed(3)}, mean predicted ${pct(s.meanPredicted)}% against ${pct(s.observedRate)}% observed, largest decile gap ${s.maxGapPoints.toFixed(1)} points, Hosmer–Lemeshow ${s.hosmerLemeshow.toFixed(1)} (χ² 10 df: 18.3 at 5%)`,
    "  decile      n  predicted%  observed%  gap",
    ...s.deciles.map((d) => `  ${String(d.decile).padStart(6)} ${String(d.n).padStart(6)} ${pct(d.predicted).padStart(11)} ${pct(d.observed).padStart(10)} ${d.gapPoints.toFixed(1).padStart(4)}`),
  ];
}

function chance(s: HeldOutScore): string {
  return `  A perfectly calibrated score would show a largest decile gap of ${s.gapIfCalibrated.mean.toFixed(1)} points on these customers on average (95% of draws up to ${s.gapIfCalibrated.p95.toFixed(1)}): measured ${s.maxGapPoints.toFixed(1)}.`;
}

if (!parsed.values["dry-run"]) {
  const m = report.model;
  const text = `// Written by \`npm run model:fit\`: refit rather than edit, so the numbers always match a fit.
// Fitted on all ${report.all.rows.toLocaleString("en-GB")} rows of ${basename(filePath)}. Each row scored by a model fitted without it (${report.folds}-fold
// cross-fitting): AUC ${held.auc.toFixed(3)}, largest decile gap ${held.maxGapPoints.toFixed(1)} points (${held.gapIfCalibrated.mean.toFixed(1)} expected by chance alone).
export const FITTED_CHURN_MODEL = {
  weights: {
${Object.entries(m.weights).map(([k, v]) => `    ${k}: ${v},`).join("\n")}
  },
  calibration: { intercept: ${m.calibration.intercept}, slope: ${m.calibration.slope} },
};
`;
  await writeFile(WEIGHTS_FILE, text);
}

if (parsed.values.json) {
  console.log(JSON.stringify({ file: filePath, ...report, churn_auc_holdout: held.auc, churn_calibration_max_gap: held.maxGapPoints / 100, churn_calibration_max_gap_if_calibrated: held.gapIfCalibrated.mean / 100, isOnTarget }));
} else {
  console.log(
    [
      `[model] ${filePath}: ${report.all.rows.toLocaleString("en-GB")} customers, each scored by a model fitted without them (${report.folds}-fold cross-fitting: weights and calibration fitted on the other ${report.folds - 1} folds).`,
      ...table("Cross-fitted (every customer held out once)", held),
      chance(held),
      ...table(`Half split (fitted on the ${report.halfSplit.fit.rows.toLocaleString("en-GB")} whose id hashes even, scored on the odd half)`, report.halfSplit.holdout),
      chance(report.halfSplit.holdout),
      `Compared by the same ${report.folds}-fold cross-fitting (out-of-fold):`,
      ...report.crossValidation.map((c, i) => `  ${c.name.padEnd(32)} log loss ${c.logLoss.toFixed(4)}, AUC ${c.auc.toFixed(3)}, largest decile gap ${c.maxGapPoints.toFixed(1)}${i === 0 ? "  (in use)" : ""}`),
      `Model written: fitted on all ${report.all.rows.toLocaleString("en-GB")} customers${report.converged ? "" : " (the fit did not converge)"}; on those same customers (not a test):`,
      ...table("Fitted rows", report.all),
      `Weights: ${Object.entries(report.model.weights).map(([k, v]) => `${k} ${v}`).join(", ")}; calibration intercept ${report.model.calibration.intercept}, slope ${report.model.calibration.slope}.`,
      `Targets on cross-fitted scores: AUC ≥ ${TARGET_AUC}, largest decile gap ≤ ${TARGET_MAX_GAP_POINTS} points: ${isOnTarget ? "met" : "NOT met"}.`,
      parsed.values["dry-run"] ? "Dry run: nothing written." : `Wrote ${WEIGHTS_FILE}.`,
    ].join("\n"),
  );
}
process.exit(isOnTarget ? 0 : 3);
