// Importing outcomes: the file streams through csv-parse into one transaction, so a refused file
// changes nothing, and memory holds one batch of rows plus the decision ids already seen (to catch
// a decision reported twice in one file).
import { parse } from "csv-parse";
import pg from "pg";
import { createEvaluationAgent } from "../agents/evaluation/evaluation-agent";
import type { Outcome } from "../agents/evaluation/outcome";
import { OUTCOME_COLUMNS, OUTCOME_HEADER, columnOf, readOutcomeCells } from "./columns";

/** A refusal at a place in the file; `column` is null when the whole line is at fault. */
export type OutcomeProblem = { line: number; column: string | null; reason: string };

export type OutcomeImportResult =
  | { ok: true; rowsRead: number; inserted: number; updated: number }
  | { ok: false; rowsRead: number; problems: OutcomeProblem[]; problemsTotal: number };

/** Rows per round trip: existence check and upsert. */
const BATCH_SIZE = 1000;
/** Problems listed in a refusal; the count covers all. */
const MAX_LISTED_PROBLEMS = 50;

/** Serialises outcome writes (files, integrations, the simulator), so two reporting one decision cannot deadlock. */
export const OUTCOME_IMPORT_LOCK_KEY = 0x0c7_c0e5;

type Pending = { line: number; outcome: Outcome };

/** Writes a JSON array of outcomes ($1); a decision already reported is replaced. */
export const UPSERT_SQL = `
INSERT INTO "Outcome" AS o (id, "recommendationId", "contactMade", response, "stayed30d", "stayed90d", "revenueChangeGbp", source, "recordedAt", "updatedAt")
SELECT gen_random_uuid(), r."recommendationId", r."contactMade", r.response::"OutcomeResponse", r."stayed30d", r."stayed90d",
  r."revenueChangeGbp", r.source::"OutcomeSource", r."recordedAt", now()
FROM jsonb_to_recordset($1::jsonb) AS r("recommendationId" uuid, "contactMade" boolean, response text, "stayed30d" boolean,
  "stayed90d" boolean, "revenueChangeGbp" numeric, source text, "recordedAt" timestamptz)
ON CONFLICT ("recommendationId") DO UPDATE SET
  "contactMade" = EXCLUDED."contactMade", response = EXCLUDED.response, "stayed30d" = EXCLUDED."stayed30d",
  "stayed90d" = EXCLUDED."stayed90d", "revenueChangeGbp" = EXCLUDED."revenueChangeGbp", source = EXCLUDED.source,
  "recordedAt" = EXCLUDED."recordedAt", "updatedAt" = EXCLUDED."updatedAt"
-- xmax is 0 only on a row this statement inserted.
RETURNING (xmax = 0) AS "isInserted"`;

/**
 * Reads outcome CSV from `input` (header first, columns in any order) and writes every row in one
 * transaction on `url`, or nothing when any row is refused. A decision already reported is updated.
 */
export async function importOutcomes(opts: { url: string; input: AsyncIterable<Buffer | string> | Iterable<Buffer | string> }): Promise<OutcomeImportResult> {
  const agent = createEvaluationAgent();
  const client = new pg.Client({ connectionString: opts.url });
  await client.connect();
  const problems: OutcomeProblem[] = [];
  let problemsTotal = 0;
  const refuse = (p: OutcomeProblem) => {
    problemsTotal++;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push(p);
  };
  const seen = new Map<string, number>();
  let batch: Pending[] = [];
  let rowsRead = 0;
  let inserted = 0;
  let updated = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    const ids = batch.map((p) => p.outcome.recommendationId);
    const found = await client.query<{ id: string }>(`SELECT id::text FROM "Recommendation" WHERE id = ANY($1::uuid[])`, [ids]);
    const known = new Set(found.rows.map((r) => r.id));
    for (const p of batch) {
      if (!known.has(p.outcome.recommendationId)) refuse({ line: p.line, column: OUTCOME_COLUMNS.recommendationId, reason: `no decision has the id ${p.outcome.recommendationId}` });
    }
    // Once anything is refused the transaction will be rolled back: checking goes on, writing stops.
    if (problemsTotal === 0) {
      const written = await client.query<{ isInserted: boolean }>(UPSERT_SQL, [JSON.stringify(batch.map((p) => p.outcome))]);
      const fresh = written.rows.filter((r) => r.isInserted).length;
      inserted += fresh;
      updated += written.rows.length - fresh;
    }
    batch = [];
  };

  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [OUTCOME_IMPORT_LOCK_KEY]);
    const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: false });
    // Written by hand rather than piped, so a read error of the input ends the parse with it.
    void (async () => {
      try {
        for await (const chunk of opts.input) if (!parser.write(chunk)) await new Promise((r) => parser.once("drain", r));
        parser.end();
      } catch (err) {
        parser.destroy(err as Error);
      }
    })();
    let positions: Map<string, number> | null = null;
    try {
      for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        const line = item.info.lines;
        if (!positions) {
          const header = item.record.map((h) => h.trim().toLowerCase());
          const missing = OUTCOME_HEADER.filter((c) => !header.includes(c));
          if (missing.length > 0) {
            refuse({ line, column: null, reason: `the header lacks ${missing.join(", ")} (expected ${OUTCOME_HEADER.join(",")})` });
            break;
          }
          positions = new Map(header.map((h, i) => [h, i]));
          continue;
        }
        rowsRead++;
        const at = positions;
        const cells = Object.fromEntries(Object.entries(OUTCOME_COLUMNS).map(([field, column]) => [field, item.record[at.get(column)!] ?? ""])) as Parameters<typeof readOutcomeCells>[0];
        const read = readOutcomeCells(cells);
        if (!read.ok) {
          refuse({ line, column: read.problem.column, reason: read.problem.reason });
          continue;
        }
        const response = await agent.process({ type: "record_outcome", outcome: read.input });
        if (!response.ok) {
          const field = response.error.field ?? "outcome";
          refuse({ line, column: columnOf(field), reason: response.error.reason.replace(/^Invalid record_outcome message: /, "").replace(/^outcome\.\w+:? ?/, "") });
          continue;
        }
        if (response.type !== "record_outcome") throw new Error(`record_outcome answered with ${response.type}`);
        const earlier = seen.get(response.data.recommendationId);
        if (earlier !== undefined) {
          refuse({ line, column: OUTCOME_COLUMNS.recommendationId, reason: `repeats the decision of line ${earlier}; report each decision once per file` });
          continue;
        }
        seen.set(response.data.recommendationId, line);
        batch.push({ line, outcome: response.data });
        if (batch.length >= BATCH_SIZE) await flush();
      }
    } catch (err) {
      if (!(err instanceof Error) || !("code" in err) || !String(err.code).startsWith("CSV_")) throw err;
      refuse({ line: (err as { lines?: number }).lines ?? rowsRead + 1, column: null, reason: `cannot be read as CSV: ${err.message}` });
    }
    if (!positions && problemsTotal === 0) refuse({ line: 1, column: null, reason: `the file is empty (expected the header ${OUTCOME_HEADER.join(",")})` });
    await flush();
    if (problemsTotal > 0) {
      await client.query("ROLLBACK");
      return { ok: false, rowsRead, problems, problemsTotal };
    }
    await client.query("COMMIT");
    return { ok: true, rowsRead, inserted, updated };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

/** The refusal as lines for a terminal: where, then why. */
export function formatOutcomeProblems(problems: OutcomeProblem[], total: number): string[] {
  const lines = problems.map((p) => `  line ${p.line}${p.column ? `, column ${p.column}` : ""}: ${p.reason}`);
  if (total > problems.length) lines.push(`  ... and ${(total - problems.length).toLocaleString("en-GB")} more`);
  return lines;
}
