// Typed readers for the JSON `attributes` of events and profiles. The JSON comes from a database or
// an import, so every reader tolerates a missing key or a value of the wrong type by answering null.

export type Attributes = Record<string, unknown>;

/** A finite number at `key`; numeric strings ("12.50") count, anything else is null. */
export function readNumber(attrs: Attributes, key: string): number | null {
  return toNumber(attrs[key]);
}

/** A finite number from a JSON value; numeric strings count, blank strings and the rest are null. */
export function toNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string" || value.trim() === "") return null;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : null;
}

/** A trimmed, non-empty string at `key` (numbers and booleans are written out), else null. */
export function readString(attrs: Attributes, key: string): string | null {
  const value = attrs[key];
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

/** A category label at `key` folded to snake case ("Fiber optic" → "fiber_optic"), else null. */
export function readLabel(attrs: Attributes, key: string): string | null {
  const value = readString(attrs, key);
  return value === null ? null : toLabel(value);
}

/** Folds free-form category text to snake case: "Month-to-month" → "month_to_month". */
export function toLabel(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** Strings at `key`: an array keeps its string items, a comma-separated string is split. */
export function readStringList(attrs: Attributes, key: string): string[] {
  const value = attrs[key];
  const items = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : [];
  return items.filter((v): v is string => typeof v === "string").map((v) => v.trim()).filter((v) => v !== "");
}

/** Yes/no at `key`: booleans, 1/0, and "yes"/"no"/"true"/"false" strings; anything else is null. */
export function readFlag(attrs: Attributes, key: string): boolean | null {
  const value = attrs[key];
  if (typeof value === "boolean") return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== "string") return null;
  const label = toLabel(value);
  if (label === "yes" || label === "true" || label === "1" || label === "y") return true;
  if (label === "no" || label === "false" || label === "0" || label === "n") return false;
  return null;
}

const looseKey = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * The key of `attrs` that names `name` regardless of spelling ("InternetService",
 * "internet_service" and "internetService" are one key), so profiles from any importer read alike.
 */
export function findKey(attrs: Attributes, name: string): string | null {
  if (Object.hasOwn(attrs, name)) return name;
  const wanted = looseKey(name);
  for (const key of Object.keys(attrs)) if (looseKey(key) === wanted) return key;
  return null;
}

/** A plain object as attributes; arrays, null and scalars read as empty. */
export function asAttributes(value: unknown): Attributes {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Attributes) : {};
}
