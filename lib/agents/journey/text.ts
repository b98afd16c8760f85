// Formatting shared by evidence and summaries, and the one way customer-written text is let in.

export const DAY_MS = 86_400_000;

const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

/** Longest piece of customer-written text a summary quotes, in characters, quotes included. */
export const QUOTE_MAX_CHARS = 160;

/** "2026-08-02" from an ISO time (UTC). */
export function isoDay(iso: string): string {
  return iso.slice(0, 10);
}

/** Months counted from year 0 (UTC), so month arithmetic is integer arithmetic. */
export function monthIndexOf(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** "2026-10" for a month index. */
export function monthKey(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** "Aug–Oct 2026", or "Nov 2025–Jan 2026" across a year end; inclusive month indices. */
export function monthRangeLabel(first: number, last: number): string {
  const name = (i: number) => MONTH_NAMES[i % 12] ?? "?";
  const year = (i: number) => Math.floor(i / 12);
  if (first === last) return `${name(first)} ${year(first)}`;
  if (year(first) === year(last)) return `${name(first)}–${name(last)} ${year(last)}`;
  return `${name(first)} ${year(first)}–${name(last)} ${year(last)}`;
}

/** "£42.10"; negative amounts keep their sign. */
export function money(amount: number): string {
  const sign = amount < 0 ? "-" : "";
  return `${sign}£${Math.abs(amount).toFixed(2)}`;
}

/** A fraction as a whole percentage: 0.384 → "38%". */
export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** A signed fraction as a percentage change: 0.12 → "+12%", -0.38 → "-38%". */
export function signedPercent(fraction: number): string {
  const p = Math.round(fraction * 100);
  return `${p > 0 ? "+" : ""}${p}%`;
}

/** The middle value of `values` (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds to `places` decimals, keeping -0 out of JSON. */
export function round(value: number, places: number): number {
  const f = 10 ** places;
  const r = Math.round(value * f) / f;
  return r === 0 ? 0 : r;
}

// Control and invisible formatting characters (bidi overrides, zero-width joiners) can hide or
// reorder text in front of a reader or a model; none of them belongs in a one-line fact.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu;

/** One line of at most `maxChars` characters: invisible characters and runs of space become one space. */
export function oneLine(text: string, maxChars: number): string {
  const flat = text.replace(INVISIBLE, " ").replace(/\s+/g, " ").trim();
  return flat.length <= maxChars ? flat : `${flat.slice(0, Math.max(0, maxChars - 1)).trimEnd()}…`;
}

/**
 * Customer-written text as quoted data: a single line, double quotes inside turned to single ones so
 * the quote cannot be closed early, at most `QUOTE_MAX_CHARS` characters including the quotes.
 */
export function quoteCustomerText(text: string, maxChars: number = QUOTE_MAX_CHARS): string {
  const inner = oneLine(text.replace(/["“”„«»]/g, "'"), Math.max(1, maxChars - 2));
  return `"${inner}"`;
}
