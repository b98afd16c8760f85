// `npm run model:fit -- [FILE]`: fits the churn model's profile weights and calibration on half of
// a labelled churn file, reports how it ranks and how well its probabilities match on the half it
// never saw, and writes the model to lib/agents/journey/weights.ts, which the risk score reads.
import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { exitOnBadArgs, parseCommandArgs } from "./args";
import { type ChurnModelScore, fitChurnModel } from "../agents/model/churn-fit";
import { ChurnFileError, DEFAULT_CHURN_FILE, readChurnFile } from "../model/churn-file";

const WEIGHTS_FILE = "lib/agents/journey/weights.ts";
/** What the model must reach on customers it was not fitted on. */
const TARGET_AUC = 0.84;
const TARGET_MAX_GAP_POINTS = 3;

const usage = `Usage: npm run model:fit -- [FILE] [--dry-run] [--json]

FILE is a CSV in the Telco Customer Churn layout (default ${DEFAULT_CHURN_FILE}).
Rows whose customerID hashes even are fitted on; the rest are held out and only scored.
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
const isOnTarget = report.holdout.auc >= TARGET_AUC && report.holdout.maxGapPoints <= TARGET_MAX_GAP_POINTS;

const pct = (x: number) => (x * 100).toFixed(1);
function table(name: string, s: ChurnModelScore): string[] {
  return [
    `${name}: ${s.rows.toLocaleString("en-GB")} customers, AUC ${s.auc.toFixed(3)}, mean predicted ${pct(s.meanPredicted)}% against ${pct(s.observedRate)}% observed, largest decile gap ${s.maxGapPoints.toFixed(1)} points, Hosmer–Lemeshow ${s.hosmerLemeshow.toFixed(1)} (χ² 10 df: 18.3 at 5%)`,
    "  decile      n  predicted%  observed%  gap",
    ...s.deciles.map((d) => `  ${String(d.decile).padStart(6)} ${String(d.n).padStart(6)} ${pct(d.predicted).padStart(11)} ${pct(d.observed).padStart(10)} ${d.gapPoints.toFixed(1).padStart(4)}`),
  ];
}

if (!parsed.values["dry-run"]) {
  const m = report.model;
  const text = `// Written by \`npm run model:fit\`: refit rather than edit, so the numbers always match a fit.
// Fitted on ${report.fit.rows.toLocaleString("en-GB")} rows of ${basename(filePath)}; on the ${report.holdout.rows.toLocaleString("en-GB")} held out: AUC ${report.holdout.auc.toFixed(3)}, largest decile gap ${report.holdout.maxGapPoints.toFixed(1)} points.
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
  console.log(JSON.stringify({ file: filePath, ...report, churn_auc_holdout: report.holdout.auc, churn_calibration_max_gap: report.holdout.maxGapPoints / 100, churn_calibration_max_gap_if_calibrated: report.holdoutGapIfCalibrated.mean / 100, isOnTarget }));
} else {
  console.log(
    [
      `[model] ${filePath}: fitted on ${report.fit.rows.toLocaleString("en-GB")} customers${report.converged ? "" : " (the fit did not converge)"}, held out ${report.holdout.rows.toLocaleString("en-GB")}.`,
      ...table("Held out", report.holdout),
      `  A perfectly calibrated score would show a largest decile gap of ${report.holdoutGapIfCalibrated.mean.toFixed(1)} points on these customers on average (95% of draws up to ${report.holdoutGapIfCalibrated.p95.toFixed(1)}): measured ${report.holdout.maxGapPoints.toFixed(1)}.`,
      "Calibration chosen by 5-fold cross-validation on the fitting half (out-of-fold):",
      ...report.crossValidation.map((c, i) => `  ${c.name.padEnd(32)} log loss ${c.logLoss.toFixed(4)}, AUC ${c.auc.toFixed(3)}, largest decile gap ${c.maxGapPoints.toFixed(1)}${i === 0 ? "  (in use)" : ""}`),
      ...table("All", report.all),
      `Weights: ${Object.entries(report.model.weights).map(([k, v]) => `${k} ${v}`).join(", ")}; calibration intercept ${report.model.calibration.intercept}, slope ${report.model.calibration.slope}.`,
      `Targets on held-out customers: AUC ≥ ${TARGET_AUC}, largest decile gap ≤ ${TARGET_MAX_GAP_POINTS} points: ${isOnTarget ? "met" : "NOT met"}.`,
      parsed.values["dry-run"] ? "Dry run: nothing written." : `Wrote ${WEIGHTS_FILE}.`,
    ].join("\n"),
  );
}
process.exit(isOnTarget ? 0 : 3);
