// Reads CSV (RFC 4180) as a stream with csv-parse: records come out one at a time, each with the
// line it starts on, so a file of any size is read in bounded memory. Records end at CRLF, LF or
// a lone CR outside quotes; quoted fields may hold commas, doubled quotes and line breaks.
//
// A quote inside an unquoted field spoils only its record: it is reported and reading goes on. A
// closing quote followed by text, or a quote never closed, leaves no way to tell where the next
// record begins, so reading stops there.
import { finished } from "node:stream/promises";
import { CsvError, parse } from "csv-parse";

export type CsvRecord = { line: number; fields: string[] };

export type CsvProblem = { line: number; reason: string };

export type CsvItem =
  | ({ type: "record" } & CsvRecord)
  /** A record that broke the quoting rules; it is not read. */
  | ({ type: "problem" } & CsvProblem)
  /** Reading stopped here: the rest of the text cannot be read as records. Always the last item. */
  | ({ type: "fatal" } & CsvProblem);

/** Longest record read, in characters: the Telco layout's rows are about 200; a longer one is a quote left open. */
export const MAX_RECORD_CHARS = 1_048_576;

/** Counts line breaks in a field (CRLF once); `crlf` is how many were CRLF. */
function breaksIn(field: string): { breaks: number; crlf: number } {
  let breaks = 0;
  let crlf = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c === 10) breaks += 1;
    else if (c === 13) {
      breaks += 1;
      if (field.charCodeAt(i + 1) === 10) {
        crlf += 1;
        i += 1;
      }
    }
  }
  return { breaks, crlf };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The problem a csv-parse error describes, in the file's terms. */
/** A number csv-parse puts on its errors (its count of lines, the field's index...), if there. */
const numberOn = (err: CsvError, key: string): number | null => (typeof err[key] === "number" ? err[key] : null);

function problemOf(err: CsvError): string {
  const index = numberOn(err, "column");
  const column = index === null ? null : index + 1;
  const field = column === null ? "a field" : `field ${column}`;
  switch (err.code) {
    case "INVALID_OPENING_QUOTE":
      return `a quote inside unquoted ${field} (quote the field and double the quote)`;
    case "CSV_INVALID_CLOSING_QUOTE":
      return `text after the closing quote of ${field}`;
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted field is never closed (missing closing quote)";
    case "CSV_MAX_RECORD_SIZE":
      return `a record longer than ${plural(MAX_RECORD_CHARS, "character")} (a quote left open?)`;
    default:
      return err.message;
  }
}

/**
 * Reads CSV text arriving in `chunks` (UTF-8 bytes or text; a leading byte-order mark is ignored),
 * yielding the items each chunk completes, in file order; blank lines are not records. Chunks are
 * parsed one at a time, as the items of the last one are taken, so memory holds about one chunk.
 */
export async function* readCsv(chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<CsvItem[]> {
  // csv-parse counts the CR and the LF of a CRLF inside a quoted field as two lines (outside quotes,
  // one): the line numbers it reports are corrected by how many such CRLFs it has passed.
  let doubleCounted = 0;
  /** The last line of the last record read, and the blank lines csv-parse had skipped by then. */
  let lastEnd = 0;
  let emptyAtLastEnd = 0;
  /** What the chunks parsed so far completed; csv-parse calls back in file order. */
  let items: CsvItem[] = [];

  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    record_delimiter: ["\r\n", "\n", "\r"],
    max_record_size: MAX_RECORD_CHARS,
    skip_records_with_error: true,
    on_record: (fields, context) => {
      let breaks = 0;
      for (const field of fields) {
        if (field.length === 0 || (field.indexOf("\n") === -1 && field.indexOf("\r") === -1)) continue;
        const found = breaksIn(field);
        breaks += found.breaks;
        doubleCounted += found.crlf;
      }
      lastEnd = context.lines - doubleCounted;
      emptyAtLastEnd = context.empty_lines;
      items.push({ type: "record", line: lastEnd - breaks, fields });
      // Taken here rather than from the stream's output: one hand-over per chunk, not per record.
      return null;
    },
    // Only an opening quote can be stepped over (see above); any other error ends the parse.
    on_skip: (err) => {
      if (!err || err.code !== "INVALID_OPENING_QUOTE") throw err;
      const line = (numberOn(err, "lines") ?? 0) - doubleCounted;
      items.push({ type: "problem", line, reason: problemOf(err) });
      lastEnd = line;
      emptyAtLastEnd = numberOn(err, "empty_lines") ?? emptyAtLastEnd;
      return undefined;
    },
  });
  // Failures are read from `parser.errored` after each step.
  parser.on("error", () => {});

  const fatalOf = (err: unknown): CsvItem => {
    if (!(err instanceof CsvError)) throw err;
    const empty = numberOn(err, "empty_lines") ?? emptyAtLastEnd;
    const isQuoteOpen = err.code === "CSV_QUOTE_NOT_CLOSED" || err.code === "CSV_MAX_RECORD_SIZE";
    // An open quote is found at the end of the text; the record it spoils starts after the last one read.
    const line = isQuoteOpen ? lastEnd + 1 + (empty - emptyAtLastEnd) : (numberOn(err, "lines") ?? 0) - doubleCounted;
    return { type: "fatal", line, reason: problemOf(err) };
  };

  try {
    // csv-parse parses a written chunk before `write` returns, so its items are ready here.
    for await (const chunk of chunks) {
      parser.write(chunk);
      if (parser.errored) {
        yield [...items, fatalOf(parser.errored)];
        return;
      }
      if (items.length > 0) {
        const ready = items;
        items = [];
        yield ready;
      }
    }
    parser.end();
    const ended = await finished(parser, { readable: false }).then(
      () => null,
      (err: unknown) => err,
    );
    const last = ended === null ? items : [...items, fatalOf(parser.errored ?? ended)];
    if (last.length > 0) yield last;
  } finally {
    parser.destroy();
  }
}
