// `npm run experiment -- start --file spec.json | stop --key K | list`: the Experiments screen from
// the command line, for scripted set-ups. A spec file holds what the screen's form sends (shares in
// whole percent, days as YYYY-MM-DD) and is checked by the same schema; changes are audited as the
// command line's.
import { readFile } from "node:fs/promises";
import pg from "pg";
import { armChanges, period } from "../../components/experiments/describe";
import { experimentStatus } from "../agents/evaluation/experiments";
import { openDatabase } from "../database/connection";
import { createExperiment, listExperiments, stopExperiment } from "../pipeline/experiments";
import { experimentFormSchema, experimentInputOf, formFieldOf } from "../validations/experiment";
import { exitOnBadArgs, parseCommandArgs } from "./args";

const usage = `Usage: npm run experiment -- start --file spec.json
       npm run experiment -- stop --key KEY
       npm run experiment -- list

spec.json, as the Experiments screen's form:
  { "name": "Greedy against optimal", "startsOn": "", "endsOn": "",
    "arms": [ { "key": "champion", "sharePercent": 50, "allocation": "greedy" },
              { "key": "challenger", "sharePercent": 50, "allocation": "optimal",
                "edits": [ { "treatmentKey": "retention_sms", "effectPercent": 12 } ] } ] }`;

const actor = { id: null, label: "Command line (experiment)" };
const parsed = parseCommandArgs(process.argv.slice(2), { file: { type: "string" }, key: { type: "string" } }, { maxPositionals: 1 });
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const [command] = parsed.positionals;
if (command !== "start" && command !== "stop" && command !== "list") exitOnBadArgs({ ok: false, error: command ? `Unknown command "${command}": start, stop or list.` : "Say what to do: start, stop or list." }, usage);
if (command === "start" && !parsed.values.file) exitOnBadArgs({ ok: false, error: "start needs --file with the experiment's spec." }, usage);
if (command === "stop" && !parsed.values.key) exitOnBadArgs({ ok: false, error: "stop needs --key of the experiment to stop." }, usage);

async function readSpec(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new Error(`${file} could not be read as JSON: ${(err as Error).message}`);
  }
}

// A spec is checked before the database is opened: a refusal needs none and changes nothing.
const form = command === "start" ? experimentFormSchema.safeParse(await readSpec(parsed.values.file!).catch((err: Error) => exitOnBadArgs({ ok: false, error: err.message }, usage))) : null;
if (form && !form.success) {
  for (const issue of form.error.issues) console.error(`${issue.path.join(".") || "spec"}: ${issue.message}`);
  console.error("Nothing was changed.");
  process.exit(1);
}

const db = await openDatabase({ log: (m) => console.log(`[experiment] ${m}`) });
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
let exitCode = 0;
try {
  if (command === "list") {
    const now = new Date();
    const experiments = await listExperiments(pool);
    if (experiments.length === 0) console.log("No experiment has been started yet.");
    for (const e of experiments) {
      console.log(`${e.key}  ${experimentStatus(e, now)}  ${period(e)}  ${e.name}`);
      for (const arm of e.arms) console.log(`  ${arm.key}  ${Math.round(arm.share * 100)}%  ${armChanges(arm)}`);
    }
  } else if (command === "stop") {
    const key = parsed.values.key!;
    if (await stopExperiment(pool, { key, actor })) console.log(`Stopped ${key}.`);
    else {
      console.error(`No running experiment has the key ${key}; nothing was changed.`);
      exitCode = 1;
    }
  } else {
    const result = await createExperiment(pool, { input: experimentInputOf(form!.data!, new Date()), actor });
    if (result.ok) console.log(`Started ${result.experiment.name} (${result.experiment.key}) from ${result.experiment.startsAt}.`);
    else {
      for (const [field, message] of Object.entries(result.fieldErrors)) console.error(`${formFieldOf(field)}: ${message}`);
      console.error("Nothing was changed.");
      exitCode = 1;
    }
  }
} catch (err) {
  console.error(`[experiment] Failed, nothing was changed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  await pool.end().catch(() => {});
  await db.release();
}
process.exit(exitCode);
