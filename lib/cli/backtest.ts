// `npm run backtest -- [--days 90] [--customers N] [--json]`: daily runs over simulated outcomes on a
// throw-away PostgreSQL (lib/demo/backtest.ts), then the held-out AUC and calibration of the
// churn model on the Telco file. Prints what it measured and a JSON object at the end.
import { fitChurnModel } from "../agents/model/churn-fit";
import { DEFAULT_CHURN_FILE, readChurnFile } from "../model/churn-file";
import { runBacktest } from "../demo/backtest";
import { exitOnBadArgs, parseCommandArgs, wholeNumberArg } from "./args";

const usage = `Usage: npm run backtest -- [--days 90] [--customers 6000] [--per-day 40] [--days-per-run 3] [--seed N] [--json]

Seeds a demo of N customers with a year of history on its own temporary PostgreSQL, then runs the
deterministic policy for --days days over --per-day customers a day in two worlds (learned effects;
the catalog's effects), one run per --days-per-run days with their customers and capacity. --seed
changes the simulator's draws, the history and the days' customers, and the same seed gives the same
run again: run several seeds to see the spread.
Targets: lift interval coverage ≥ 0.9, learned value above the catalog's, churn AUC ≥ 0.84 held out.`;

const parsed = parseCommandArgs(process.argv.slice(2), { days: { type: "string", default: "90" }, customers: { type: "string", default: "6000" }, "per-day": { type: "string", default: "40" }, "days-per-run": { type: "string", default: "3" }, seed: { type: "string" }, json: { type: "boolean" } });
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const days = wholeNumberArg("--days", parsed.values.days, { min: 1, max: 365 });
if (!days.ok) exitOnBadArgs(days, usage);
const customers = wholeNumberArg("--customers", parsed.values.customers, { min: 20, max: 20_000 });
if (!customers.ok) exitOnBadArgs(customers, usage);
const perDay = wholeNumberArg("--per-day", parsed.values["per-day"], { min: 1, max: 20_000 });
if (!perDay.ok) exitOnBadArgs(perDay, usage);
const daysPerRun = wholeNumberArg("--days-per-run", parsed.values["days-per-run"], { min: 1, max: 30 });
if (!daysPerRun.ok) exitOnBadArgs(daysPerRun, usage);
const seed = parsed.values.seed === undefined ? null : wholeNumberArg("--seed", parsed.values.seed, { min: 0, max: 2 ** 31 - 1 });
if (seed && !seed.ok) exitOnBadArgs(seed, usage);
const isJson = parsed.values.json === true;
const log = (m: string) => (isJson ? console.error : console.log)(`[backtest] ${m}`);

const result = await runBacktest({ days: days.value, customers: customers.value, perDay: perDay.value, daysPerRun: daysPerRun.value, ...(seed?.ok ? { seed: seed.value } : {}), log });
// Coverage is judged on the intervals the Evaluation agent calls reliable (5 or more stayed and left
// in each group): below that a Wald interval is too narrow, and the screen says so beside it.
const reliable = result.coverage.filter((c) => c.isReliable);
const covered = reliable.filter((c) => c.isCovered).length;
const coverage = reliable.length > 0 ? covered / reliable.length : null;
const coveredAll = result.coverage.filter((c) => c.isCovered).length;
const coverageAll = result.coverage.length > 0 ? coveredAll / result.coverage.length : null;
const ratio = result.valueGbp.catalog !== 0 ? result.valueGbp.learned / result.valueGbp.catalog : null;
const pts = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(1)}`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
const pounds = (x: number) => x.toLocaleString("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });

let churn: { auc: number; maxGapPoints: number; gapIfCalibrated: { mean: number; p95: number } } | null = null;
let churnNote = "";
try {
  const report = fitChurnModel(await readChurnFile(DEFAULT_CHURN_FILE));
  churn = { auc: report.crossFitted.auc, maxGapPoints: report.crossFitted.maxGapPoints, gapIfCalibrated: report.crossFitted.gapIfCalibrated };
} catch (err) {
  churnNote = `not measured: ${(err as Error).message}`;
}

log(`${result.days} days, ${result.customers} customers, ${(result.durationMs / 1000).toFixed(0)} s; decisions: ${result.decisions.learned} (learned), ${result.decisions.catalog} (catalog).`);
log(`Reliable lift intervals covering the simulator's true lift: ${covered} of ${reliable.length}${coverage === null ? "" : ` (${coverage.toFixed(2)}; target ≥ 0.9)`}; all intervals: ${coveredAll} of ${result.coverage.length}${coverageAll === null ? "" : ` (${coverageAll.toFixed(2)})`}`);
for (const c of result.coverage) log(`  ${c.treatmentKey.padEnd(20)} true ${pts(c.trueLift)} points, 95% CI ${pts(c.low)} to ${pts(c.high)} (${c.treated} treated, ${c.control} held out)${c.isReliable ? "" : ", not reliable (under 5 stayed or left in a group)"}${c.isCovered ? "" : "  NOT covered"}`);
log(`Expected value earned (ground truth): learned effects ${pounds(result.valueGbp.learned)}, catalog effects ${pounds(result.valueGbp.catalog)}${ratio === null ? "" : `, ratio ${ratio.toFixed(3)} (target > 1)`}; ${result.learnedEffectsInUse} learned effects in use at the end.`);
log(`Treatments chosen (learned / catalog): ${result.choices.map((c) => `${c.treatmentKey} ${c.learned}/${c.catalog}`).join(", ")}.`);
log(`The same ${result.paired.pairs} customers and days: ${result.paired.differing} decided differently, worth ${pounds(result.paired.learnedGainGbp)} more where learned effects chose better and ${pounds(result.paired.learnedLossGbp)} less where they chose worse.`);
for (const w of result.paired.switches.slice(0, 8)) {
  const why = Object.entries(w.why).map(([k, n]) => `${k} ${n}`).join(", ");
  log(`  catalog ${w.catalog} → learned ${w.learned}: ${w.count} times, ${w.learnedGainGbp >= 0 ? "+" : "−"}${pounds(Math.abs(w.learnedGainGbp))} (${why})`);
}
log("Learned effects at the last refresh against the simulator's truth for the same treated customers (relative reduction of 90-day churn):");
for (const e of result.effects) log(`  ${(e.treatmentKey + (e.patternKey ? ` / ${e.patternKey}` : "")).padEnd(40)} catalog ${pct(e.catalogEffect)}  learned ${pct(e.learnedEffect)}  applied ${pct(e.appliedEffect)}  true ${pct(e.trueEffect)}  (${e.outcomes} outcomes${e.hasEnoughEvidence ? ", in use" : ""})`);
log(churn ? `Churn model on the Telco file, every customer scored by a model fitted without them (10-fold cross-fitting): AUC ${churn.auc.toFixed(3)} (target ≥ 0.84), largest decile gap ${churn.maxGapPoints.toFixed(1)} points (target ≤ 3; a perfectly calibrated score would show ${churn.gapIfCalibrated.mean.toFixed(1)} on average, up to ${churn.gapIfCalibrated.p95.toFixed(1)} in 95% of draws).` : `Churn model ${churnNote}`);
console.log(
  JSON.stringify({
    days: result.days,
    customers: result.customers,
    seed: result.seed,
    lift_ci_coverage: coverage,
    lift_ci_coverage_all: coverageAll,
    treatments_measured: result.coverage.length,
    treatments_reliable: reliable.length,
    learned_over_catalog_value: ratio,
    value_learned_gbp: result.valueGbp.learned,
    value_catalog_gbp: result.valueGbp.catalog,
    decisions_differing: result.paired.differing,
    learned_effects_in_use: result.learnedEffectsInUse,
    churn_auc_holdout: churn?.auc ?? null,
    churn_calibration_max_gap: churn ? churn.maxGapPoints / 100 : null,
    churn_calibration_max_gap_if_calibrated: churn ? churn.gapIfCalibrated.mean / 100 : null,
    duration_s: Math.round(result.durationMs / 1000),
  }),
);
process.exit(0);
