// The layouts a customer file can have: the built-in Telco one, or any other described by a
// mapping. Each says whether a header can be read, turns a row into a customer and explains in
// notes what it derived or defaulted. Pure: reading a mapping file is the caller's business.
import { MAPPING_DEFAULTS, compileMapping, type Mapping } from "./mapping";
import { notesFor, type ImportFacts } from "./report";
import type { SourceRow } from "./source";
import { TELCO_COLUMNS, mapTelcoRow, missingTelcoColumns, type RowCheck } from "./telco";

export type CustomerLayout = {
  /** How refusals and reports name the layout. */
  name: string;
  /** How messages name a row's customer key ("customerID R-1 repeats line 2"). */
  keyName: string;
  /** Why a CSV header cannot be read in this layout, or null when it can. */
  headerProblem: (columns: readonly string[]) => string | null;
  mapRow: (row: SourceRow, place: number) => RowCheck;
  /** What the import derived or defaulted, in words, for the report and the batch record. */
  notes: (facts: ImportFacts) => string[];
};

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** Where a person finds the mappings that ship, for the refusal that needs one. */
export const MAPPING_HINT = "describe the file's columns in a mapping (--mapping FILE; examples in examples/mappings/)";

export const telcoLayout: CustomerLayout = {
  name: "the Telco layout",
  keyName: "customerID",
  headerProblem: (columns) => {
    const missing = missingTelcoColumns(columns);
    if (missing.length === 0) return null;
    const known = new Set<string>(TELCO_COLUMNS);
    const unknown = columns.filter((c) => !known.has(c));
    return (
      `the header lacks ${plural(missing.length, "column", "columns")} ${missing.join(", ")}` +
      (unknown.length > 0 ? ` and has ${plural(unknown.length, "column", "columns")} the Telco layout does not know: ${unknown.join(", ")}` : "") +
      (unknown.length > 0 ? `; if the file is in another layout, ${MAPPING_HINT}` : "")
    );
  },
  mapRow: (row) => mapTelcoRow(row),
  notes: notesFor,
};

/** The words of a field left to the mapping's default, for the notes. */
const DEFAULT_WORDS: Record<keyof typeof MAPPING_DEFAULTS, string> = {
  name: '"Customer <id>"',
  segment: `"${MAPPING_DEFAULTS.segment.value}"`,
  plan: `"${MAPPING_DEFAULTS.plan.value}"`,
  contractType: `"${MAPPING_DEFAULTS.contractType.value}" (the churn-risk model then weighs the contract halfway between rolling and one year)`,
  totalRevenue: "unknown (null, shown as a dash)",
  region: `"${MAPPING_DEFAULTS.region.value}"`,
  language: `"${MAPPING_DEFAULTS.language.value}"`,
  churned: "unknown",
};

/** A layout read through `mapping` (already checked with parseMapping). */
export function mappingLayout(mapping: Mapping): CustomerLayout {
  const compiled = compileMapping(mapping);
  const id = mapping.customer.id;
  return {
    name: `the mapping "${mapping.name}"`,
    keyName: id && "column" in id ? id.column : "id",
    headerProblem: (columns) => {
      const present = new Set(columns);
      const missing = compiled.columns.filter((c) => !present.has(c));
      if (missing.length === 0) return null;
      const used = new Set(compiled.columns);
      const unused = columns.filter((c) => !used.has(c));
      return (
        `the header lacks ${plural(missing.length, "column", "columns")} ${missing.join(", ")}, which the mapping "${mapping.name}" reads` +
        (unused.length > 0 ? `; the file has ${plural(unused.length, "column", "columns")} it does not read: ${unused.join(", ")}` : "")
      );
    },
    mapRow: compiled.mapRow,
    notes: (facts) => {
      const notes: string[] = [`Read with the mapping "${mapping.name}".`];
      const defaulted = (Object.keys(MAPPING_DEFAULTS) as (keyof typeof MAPPING_DEFAULTS)[]).filter((f) => mapping.customer[f] === undefined);
      if (defaulted.length > 0) notes.push(`The mapping leaves out ${defaulted.join(", ")}, so: ${defaulted.map((f) => `${f} ${DEFAULT_WORDS[f]}`).join("; ")}.`);
      if (facts.blankTotalCharges.count > 0 && mapping.customer.totalRevenue !== undefined) {
        notes.push(`Total revenue was blank for ${facts.blankTotalCharges.count.toLocaleString("en-GB")} customers and is stored as unknown (null), not as 0.`);
      }
      const { yes, no, unknown } = facts.churned;
      if (yes + no > 0) notes.push(`Churn outcome kept on each customer: ${yes.toLocaleString("en-GB")} churned, ${no.toLocaleString("en-GB")} not churned${unknown > 0 ? `, ${unknown.toLocaleString("en-GB")} unknown` : ""}.`);
      notes.push(
        "No contact permissions came with the file: imported customers get no marketing contact until consent is recorded for them (npm run import -- FILE --kind permissions).",
        "No journey events came with the file: churn risk comes from the profile alone until events are imported (npm run import -- FILE --kind events).",
        "Every column of the file is kept on the customer under its own name.",
      );
      return notes;
    },
  };
}
