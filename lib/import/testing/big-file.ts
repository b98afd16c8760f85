// Large Telco-layout CSV files for measuring imports: written as a stream, so making a file of
// hundreds of megabytes takes no more memory than a small one.
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { TELCO_COLUMNS } from "../telco";
import { telcoRow } from "./telco-rows";
import type { TelcoRow } from "./telco-rows";

/** One CSV line; the generated values need no quoting, which keeps writing fast. */
const line = (row: TelcoRow) => `${TELCO_COLUMNS.map((c) => row[c]).join(",")}\r\n`;

const CONTRACTS = ["Month-to-month", "One year", "Two year"];
const INTERNET = ["DSL", "Fiber optic", "No"];

/**
 * Writes at least `bytes` of CSV with the data set's header and distinct customers, then, when
 * `badLastRow` is set, one last row whose tenure is not a number. Returns the rows and lines written.
 */
export async function writeTelcoCsvFile(opts: { path: string; bytes: number; badLastRow?: boolean }): Promise<{ rows: number; lastLine: number }> {
  const out = createWriteStream(opts.path);
  let written = 0;
  let rows = 0;
  const write = async (text: string) => {
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, "drain");
  };
  await write(`${TELCO_COLUMNS.join(",")}\r\n`);
  let piece = "";
  while (written + piece.length < opts.bytes) {
    rows += 1;
    const tenure = rows % 73;
    const monthly = 18 + (rows % 100);
    const row = telcoRow(`M-${String(rows).padStart(8, "0")}`, {
      gender: rows % 2 === 0 ? "Female" : "Male",
      tenure: String(tenure),
      Contract: CONTRACTS[rows % 3]!,
      InternetService: INTERNET[rows % 3]!,
      MonthlyCharges: `${monthly}.25`,
      TotalCharges: tenure === 0 ? " " : (monthly * tenure + 0.25 * tenure).toFixed(2),
      Churn: rows % 4 === 0 ? "Yes" : "No",
    });
    piece += line(row);
    if (piece.length > 1 << 20) {
      await write(piece);
      piece = "";
    }
  }
  if (opts.badLastRow) {
    rows += 1;
    piece += line(telcoRow(`M-${String(rows).padStart(8, "0")}`, { tenure: "soon" }));
  }
  await write(piece);
  out.end();
  await finished(out);
  return { rows, lastLine: rows + 1 };
}
