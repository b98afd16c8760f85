// Over 300 lines because the mapping schema and its reader belong together: each refusal is written beside the field it checks.
// A mapping says how a file's columns (and the words its cells use) become our customer model, for
// layouts other than the built-in Telco one. It is JSON, checked with zod, and written by people:
// every refusal names the field and what is wrong. Pure: no database, no file system.
//
// Each customer field comes from one of:
//  - { "column": "Contract", "values": { "Month-to-month": "month_to_month", ... } }: a cell, its
//    words looked up in `values` (ignoring case and surrounding spaces) when given;
//  - { "template": "Customer {customerID}" }: text with {column} filled in; {$row} is the line (CSV)
//    or record (JSON) number, for files that have no customer key;
//  - { "cases": [{ "when": { "SeniorCitizen": ["1"] }, "value": "senior" }, ..., { "value": "consumer" }] }:
//    the first case whose columns all hold one of the listed words; a case without `when` always matches;
//  - { "value": "Unknown" }: the same value for every customer;
//  - numbers also { "sum": ["Total day charge", "Total eve charge"] }, and tenure a `unit` (days,
//    months or years) that is turned into whole months.
// Fields a mapping leaves out get the defaults in MAPPING_DEFAULTS; id, tenureMonths and
// monthlyRevenue have none, so a mapping without them is refused, naming them.
import { z } from "zod";
import { valueTierFor } from "../agents/rules/value-tier";
import type { RowCheck } from "./telco";
import type { SourceRow } from "./source";

const MAX_TEXT = 200;
const MAX_ID_LENGTH = 64;
const MAX_TENURE_MONTHS = 1_200;
const MAX_MONTHLY = 99_999_999.99;
const MAX_TOTAL = 9_999_999_999.99;
const DAYS_PER_MONTH = 365.25 / 12;

const columnName = z.string().trim().min(1, "A column name cannot be empty.").max(MAX_TEXT);
const words = z.array(z.string().max(MAX_TEXT)).min(1, "List at least one word.");
const when = z.record(columnName, words).refine((w) => Object.keys(w).length > 0, "A `when` names at least one column.");

/** A source of a text field. */
function textSource<T extends z.ZodType<string>>(value: T) {
  return z.union([
    z.strictObject({ column: columnName, values: z.record(z.string().max(MAX_TEXT), value).optional() }),
    z.strictObject({ template: z.string().min(1).max(MAX_TEXT) }),
    z.strictObject({ cases: z.array(z.strictObject({ when: when.optional(), value })).min(1) }),
    z.strictObject({ value }),
  ]);
}

const text = z.string().trim().min(1, "A value cannot be blank.").max(MAX_TEXT);
const contractType = z.enum(["month_to_month", "one_year", "two_year", "unknown"]);
const blankRule = z.enum(["refuse", "null", "null_when_new"]);

const numberSource = z.union([
  z.strictObject({ column: columnName, whenBlank: blankRule.optional() }),
  z.strictObject({ sum: z.array(columnName).min(1), whenBlank: blankRule.optional() }),
  z.strictObject({ value: z.number().nonnegative() }),
]);

const tenureSource = z.union([
  z.strictObject({ column: columnName, unit: z.enum(["days", "months", "years"]).optional() }),
  z.strictObject({ value: z.number().int().nonnegative() }),
]);

const booleanSource = z.union([
  z.strictObject({ column: columnName, values: z.record(z.string().max(MAX_TEXT), z.boolean()) }),
  z.strictObject({ value: z.boolean().nullable() }),
]);

export const mappingSchema = z.strictObject({
  /** Shown when choosing a mapping. */
  name: z.string().trim().min(1).max(MAX_TEXT),
  description: z.string().max(2_000).optional(),
  customer: z.strictObject({
    id: textSource(text).optional(),
    name: textSource(text).optional(),
    segment: textSource(text).optional(),
    plan: textSource(text).optional(),
    contractType: textSource(contractType).optional(),
    tenureMonths: tenureSource.optional(),
    monthlyRevenue: numberSource.optional(),
    totalRevenue: numberSource.optional(),
    region: textSource(text).optional(),
    language: textSource(text).optional(),
    churned: booleanSource.optional(),
  }),
  /** Columns whose cells must be one of the listed words (folded), beyond those the fields read. */
  checks: z.record(columnName, words).optional(),
});

export type Mapping = z.infer<typeof mappingSchema>;
type CustomerSpec = Mapping["customer"];

/** What a field left out of a mapping becomes; the fields not named here must be mapped. */
export const MAPPING_DEFAULTS = {
  name: { template: "Customer {$id}" },
  segment: { value: "consumer" },
  plan: { value: "Unknown" },
  contractType: { value: "unknown" },
  totalRevenue: { value: null },
  region: { value: "Unknown" },
  language: { value: "en" },
  churned: { value: null },
} as const;

/** Fields with no default: a mapping that leaves them out is refused. */
export const REQUIRED_FIELDS = ["id", "tenureMonths", "monthlyRevenue"] as const satisfies readonly (keyof CustomerSpec)[];

export type MappingCheck = { ok: true; mapping: Mapping } | { ok: false; problems: string[] };

/** Checks a parsed JSON value as a mapping; problems name the field path and what is wrong. */
export function parseMapping(value: unknown): MappingCheck {
  const parsed = mappingSchema.safeParse(value);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "mapping"}: ${i.message}`) };
  }
  const missing = REQUIRED_FIELDS.filter((f) => parsed.data.customer[f] === undefined);
  if (missing.length > 0) {
    return { ok: false, problems: [`customer: says nothing of ${missing.join(", ")}, which have no default: map ${missing.length === 1 ? "it" : "them"} to a column (or a template for the id)`] };
  }
  return { ok: true, mapping: parsed.data };
}

/** The columns a mapping reads, in the order it names them. */
export function mappedColumns(mapping: Mapping): string[] {
  const found = new Set<string>();
  const add = (name: string) => found.add(name);
  const fromTemplate = (t: string) => {
    for (const m of t.matchAll(/\{([^{}$][^{}]*)\}/g)) add(m[1]!);
  };
  for (const spec of Object.values(mapping.customer) as unknown[]) {
    if (typeof spec !== "object" || spec === null) continue;
    const s = spec as { column?: string; template?: string; sum?: string[]; cases?: { when?: Record<string, string[]> }[] };
    if (s.column) add(s.column);
    if (s.template) fromTemplate(s.template);
    for (const c of s.sum ?? []) add(c);
    for (const c of s.cases ?? []) for (const col of Object.keys(c.when ?? {})) add(col);
  }
  for (const col of Object.keys(mapping.checks ?? {})) add(col);
  return [...found];
}

/** The mapped columns a header lacks, in the mapping's order. */
export function missingMappedColumns(mapping: Mapping, columns: readonly string[]): string[] {
  const present = new Set(columns);
  return mappedColumns(mapping).filter((c) => !present.has(c));
}

const fold = (v: string) => v.trim().toLowerCase();
const quote = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

/** A mapping turned into functions once, so each row costs lookups only. */
export type CompiledMapping = { mapping: Mapping; columns: string[]; mapRow: (row: SourceRow, place: number) => RowCheck };

type Reader<T> = (row: SourceRow, ctx: { place: number; id: string | null; problems: string[] }) => T | undefined;

function lookup<T>(values: Record<string, T>): Map<string, T> {
  return new Map(Object.entries(values).map(([k, v]) => [fold(k), v]));
}

function casesReader<T>(cases: { when?: Record<string, string[]>; value: T }[]): (row: SourceRow) => T | undefined {
  const compiled = cases.map((c) => ({ when: Object.entries(c.when ?? {}).map(([col, ws]) => [col, new Set(ws.map(fold))] as const), value: c.value }));
  return (row) => compiled.find((c) => c.when.every(([col, ws]) => ws.has(fold(row.fields[col] ?? ""))))?.value;
}

function fillTemplate(template: string, row: SourceRow, place: number, id: string | null): string {
  return template.replace(/\{([^{}]+)\}/g, (_, name: string) => (name === "$row" ? String(place) : name === "$id" ? (id ?? "") : (row.fields[name] ?? "").trim()));
}

function textReader<T extends string>(field: string, spec: { column: string; values?: Record<string, T> } | { template: string } | { cases: { when?: Record<string, string[]>; value: T }[] } | { value: T }): Reader<string> {
  if ("value" in spec) return () => spec.value;
  if ("template" in spec) {
    return (row, ctx) => {
      const filled = fillTemplate(spec.template, row, ctx.place, ctx.id).trim();
      if (filled === "") ctx.problems.push(`${field} is blank (template ${quote(spec.template)})`);
      return filled === "" ? undefined : filled;
    };
  }
  if ("cases" in spec) {
    const pick = casesReader(spec.cases);
    const looked = [...new Set(spec.cases.flatMap((c) => Object.keys(c.when ?? {})))];
    return (row, ctx) => {
      const value = pick(row);
      if (value === undefined) ctx.problems.push(`${field}: no case matches ${looked.map((col) => `${col} ${quote(row.fields[col] ?? "")}`).join(", ")}`);
      return value;
    };
  }
  const values = spec.values ? lookup(spec.values) : null;
  return (row, ctx) => {
    const cell = (row.fields[spec.column] ?? "").trim();
    if (cell === "") {
      ctx.problems.push(`${spec.column} is blank`);
      return undefined;
    }
    if (!values) return cell;
    const value = values.get(fold(cell));
    if (value === undefined) ctx.problems.push(`${spec.column} ${quote(cell)} is not one of ${Object.keys(spec.values!).join(", ")}`);
    return value;
  };
}

/** A non-negative amount with at most two decimals, in pence; null if not one. */
function pence(value: string): number | null {
  const m = /^(\d*)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!m || (m[1] === "" && m[2] === undefined)) return null;
  return Number(m[1] || "0") * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}
const poundsOf = (p: number) => `${Math.floor(p / 100)}.${String(p % 100).padStart(2, "0")}`;

function moneyReader(field: string, spec: NonNullable<CustomerSpec["monthlyRevenue"]>, blankDefault: z.infer<typeof blankRule>, max: number): Reader<string | null> {
  if ("value" in spec) return () => poundsOf(Math.round(spec.value * 100));
  const columns = "column" in spec ? [spec.column] : spec.sum;
  const whenBlank = spec.whenBlank ?? blankDefault;
  return (row, ctx) => {
    let total = 0;
    let text: string | null = null;
    const blank: string[] = [];
    for (const col of columns) {
      const cell = (row.fields[col] ?? "").trim();
      if (cell === "") {
        blank.push(col);
        continue;
      }
      const p = pence(cell);
      if (p === null) {
        ctx.problems.push(`${col} ${quote(cell)} is not an amount`);
        return undefined;
      }
      total += p;
      text = cell;
    }
    if (blank.length > 0) {
      if (whenBlank === "refuse") {
        ctx.problems.push(`${blank.join(", ")} ${blank.length === 1 ? "is" : "are"} blank`);
        return undefined;
      }
      // null_when_new is checked against tenure once both are read.
      return null;
    }
    if (total / 100 > max) {
      ctx.problems.push(`${field} ${poundsOf(total)} is too large`);
      return undefined;
    }
    // One column keeps the amount as the file wrote it; a sum is written out to the penny.
    return columns.length === 1 && text !== null ? text : poundsOf(total);
  };
}

function tenureReader(spec: NonNullable<CustomerSpec["tenureMonths"]>): Reader<number> {
  if ("value" in spec) return () => spec.value;
  const unit = spec.unit ?? "months";
  return (row, ctx) => {
    const cell = (row.fields[spec.column] ?? "").trim();
    if (!/^\d+(\.\d+)?$/.test(cell) || (unit === "months" && !/^\d+$/.test(cell))) {
      ctx.problems.push(cell === "" ? `${spec.column} is blank` : `${spec.column} ${quote(cell)} is not a whole number of ${unit}`);
      return undefined;
    }
    const amount = Number(cell);
    const months = unit === "days" ? Math.round(amount / DAYS_PER_MONTH) : unit === "years" ? Math.round(amount * 12) : amount;
    if (months > MAX_TENURE_MONTHS) {
      ctx.problems.push(`${spec.column} ${cell} is more than ${MAX_TENURE_MONTHS} months`);
      return undefined;
    }
    return months;
  };
}

function booleanReader(spec: NonNullable<CustomerSpec["churned"]>): Reader<boolean | null> {
  if ("value" in spec) return () => spec.value;
  const values = lookup(spec.values);
  return (row, ctx) => {
    const cell = (row.fields[spec.column] ?? "").trim();
    if (cell === "") return null;
    const value = values.get(fold(cell));
    if (value === undefined) ctx.problems.push(`${spec.column} ${quote(cell)} is not one of ${Object.keys(spec.values).join(", ")}`);
    return value;
  };
}

/** Compiles a checked mapping; `mapRow` lists every problem of a row, not just the first. */
export function compileMapping(mapping: Mapping): CompiledMapping {
  const c = mapping.customer;
  const id = textReader("id", c.id!);
  const name = textReader("name", c.name ?? MAPPING_DEFAULTS.name);
  const segment = textReader("segment", c.segment ?? MAPPING_DEFAULTS.segment);
  const plan = textReader("plan", c.plan ?? MAPPING_DEFAULTS.plan);
  const contract = textReader("contractType", c.contractType ?? MAPPING_DEFAULTS.contractType);
  const region = textReader("region", c.region ?? MAPPING_DEFAULTS.region);
  const language = textReader("language", c.language ?? MAPPING_DEFAULTS.language);
  const tenure = tenureReader(c.tenureMonths!);
  const monthly = moneyReader("monthlyRevenue", c.monthlyRevenue!, "refuse", MAX_MONTHLY);
  const total = c.totalRevenue ? moneyReader("totalRevenue", c.totalRevenue, "null", MAX_TOTAL) : () => null;
  const totalBlankRule = c.totalRevenue && !("value" in c.totalRevenue) ? (c.totalRevenue.whenBlank ?? "null") : "null";
  const churned = booleanReader(c.churned ?? MAPPING_DEFAULTS.churned);
  const checks = Object.entries(mapping.checks ?? {}).map(([col, ws]) => ({ col, ws, allowed: new Set(ws.map(fold)) }));

  const columns = mappedColumns(mapping);
  const mapRow = (row: SourceRow, place: number): RowCheck => {
    const ctx = { place, id: null as string | null, problems: [] as string[] };
    const missing = columns.filter((col) => row.fields[col] === undefined);
    if (missing.length > 0) return { ok: false, reasons: [`missing ${missing.length === 1 ? "field" : "fields"} ${missing.join(", ")}`] };

    const customerId = id(row, ctx);
    if (customerId !== undefined) {
      if (customerId.length > MAX_ID_LENGTH) ctx.problems.push(`id is longer than ${MAX_ID_LENGTH} characters`);
      else if (/[\u0000-\u001f\u007f]/.test(customerId)) ctx.problems.push("id contains control characters");
      else ctx.id = customerId;
    }
    const record = {
      name: name(row, ctx),
      segment: segment(row, ctx),
      plan: plan(row, ctx),
      contractType: contract(row, ctx),
      region: region(row, ctx),
      language: language(row, ctx),
      tenureMonths: tenure(row, ctx),
      monthlyRevenue: monthly(row, ctx),
      totalRevenue: total(row, ctx),
      churned: churned(row, ctx),
    };
    for (const { col, ws, allowed } of checks) {
      const cell = row.fields[col] ?? "";
      if (!allowed.has(fold(cell))) ctx.problems.push(cell.trim() === "" ? `${col} is blank` : `${col} ${quote(cell)} is not one of ${ws.join(", ")}`);
    }
    if (totalBlankRule === "null_when_new" && record.totalRevenue === null && record.tenureMonths !== undefined && record.tenureMonths > 0) {
      ctx.problems.push(`totalRevenue is blank but tenure is ${record.tenureMonths} months (blank is accepted only for new customers, tenure 0)`);
    }
    const { name: n, segment: s, plan: p, contractType: ct, region: r, language: l, tenureMonths: t, monthlyRevenue: m, totalRevenue: tr, churned: ch } = record;
    if (ctx.problems.length > 0 || ctx.id === null || n === undefined || s === undefined || p === undefined || ct === undefined || r === undefined || l === undefined || t === undefined || m === undefined || m === null || tr === undefined || ch === undefined) {
      return { ok: false, reasons: ctx.problems.length > 0 ? ctx.problems : ["the row could not be mapped"] };
    }
    return {
      ok: true,
      customer: {
        id: ctx.id,
        name: n,
        segment: s,
        plan: p,
        contractType: ct,
        tenureMonths: t,
        monthlyRevenue: m,
        totalRevenue: tr,
        valueTier: valueTierFor(Number(m), t),
        region: r,
        language: l,
        churned: ch,
        attributes: row.raw,
      },
    };
  };
  return { mapping, columns, mapRow };
}
