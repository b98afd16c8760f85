// An RFC 4180 CSV reader that keeps going after a bad record so every problem can be listed at
// once. Records end at CRLF, LF or a lone CR outside quotes; quoted fields may hold commas,
// doubled quotes and line breaks. Lines are counted from 1 and name where a record starts.

export type CsvRecord = { line: number; fields: string[] };

export type CsvProblem = { line: number; reason: string };

export type CsvParseResult = {
  records: CsvRecord[];
  /** Records that broke the quoting rules; they are not in `records`. */
  problems: CsvProblem[];
  /** A quote left open at the end of the text: everything after it is unreadable. */
  fatal: CsvProblem | null;
};

const QUOTE = 34; // "
const COMMA = 44; // ,
const LF = 10;
const CR = 13;

/** Parses CSV text (a leading byte-order mark is ignored); blank lines are not records. */
export function parseCsv(text: string): CsvParseResult {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const n = src.length;

  let i = 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let problem: string | null = null;
    let isRecordDone = false;

    while (!isRecordDone) {
      // One field, starting at i.
      if (i < n && src.charCodeAt(i) === QUOTE) {
        let value = "";
        let segmentStart = i + 1;
        let j = i + 1;
        let isClosed = false;
        while (j < n) {
          const c = src.charCodeAt(j);
          if (c === QUOTE) {
            if (j + 1 < n && src.charCodeAt(j + 1) === QUOTE) {
              value += src.slice(segmentStart, j + 1);
              j += 2;
              segmentStart = j;
              continue;
            }
            value += src.slice(segmentStart, j);
            j += 1;
            isClosed = true;
            break;
          }
          if (c === LF || (c === CR && src.charCodeAt(j + 1) !== LF)) line += 1;
          j += 1;
        }
        if (!isClosed) {
          return { records, problems, fatal: { line: startLine, reason: "a quoted field is never closed (missing closing quote)" } };
        }
        i = j;
        // After a closing quote only a comma or the end of the record may follow.
        if (i < n) {
          const c = src.charCodeAt(i);
          if (c !== COMMA && c !== LF && c !== CR) {
            problem ??= `text after the closing quote of field ${fields.length + 1}`;
            while (i < n && src.charCodeAt(i) !== COMMA && src.charCodeAt(i) !== LF && src.charCodeAt(i) !== CR) i += 1;
          }
        }
        fields.push(value);
      } else {
        const start = i;
        while (i < n) {
          const c = src.charCodeAt(i);
          if (c === COMMA || c === LF || c === CR) break;
          if (c === QUOTE) problem ??= `a quote inside unquoted field ${fields.length + 1} (quote the field and double the quote)`;
          i += 1;
        }
        fields.push(src.slice(start, i));
      }

      if (i >= n) {
        isRecordDone = true;
      } else {
        const c = src.charCodeAt(i);
        if (c === COMMA) {
          i += 1;
        } else {
          i += c === CR && src.charCodeAt(i + 1) === LF ? 2 : 1;
          line += 1;
          isRecordDone = true;
        }
      }
    }

    const isBlankLine = fields.length === 1 && fields[0] === "" && problem === null;
    if (isBlankLine) continue;
    if (problem !== null) problems.push({ line: startLine, reason: problem });
    else records.push({ line: startLine, fields });
  }
  return { records, problems, fatal: null };
}
