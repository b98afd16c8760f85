// Mapping files on disk: the one a command names, and the saved ones the Import screen offers.
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { mappedColumns, parseMapping, type Mapping } from "./mapping";
import { missingTelcoColumns } from "./telco";

/** A mapping is a page of JSON written by a person; anything bigger is not one. */
export const MAX_MAPPING_BYTES = 256 * 1024;


export type MappingFileResult = { ok: true; mapping: Mapping } | { ok: false; problems: string[] };

/** Checks JSON text as a mapping; a syntax error is one problem naming where it is. */
export function parseMappingText(text: string): MappingFileResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`not JSON: ${(err as Error).message}`] };
  }
  return parseMapping(value);
}

/** Reads and checks the mapping in `filePath`; every problem names the file. */
export async function readMappingFile(filePath: string): Promise<MappingFileResult> {
  const name = path.basename(filePath);
  const info = await stat(filePath).catch(() => null);
  if (!info?.isFile()) return { ok: false, problems: [`${filePath}: no such file`] };
  if (info.size > MAX_MAPPING_BYTES) return { ok: false, problems: [`${name}: ${info.size.toLocaleString("en-GB")} bytes is more than a mapping may have (${MAX_MAPPING_BYTES.toLocaleString("en-GB")})`] };
  const checked = parseMappingText(await readFile(filePath, "utf8"));
  return checked.ok ? checked : { ok: false, problems: checked.problems.map((p) => `${name}: ${p}`) };
}

export type SavedMapping = { id: string; mapping: Mapping; text: string };

/**
 * The saved mappings (examples/mappings/*.json, shipped with the app) that parse, by file name; one
 * that does not is left out and logged. The folder is named in full here so that the app's build
 * packs that folder alone, not the whole project.
 */
export async function listSavedMappings(): Promise<SavedMapping[]> {
  const names = (await readdir(path.join(process.cwd(), "examples", "mappings")).catch(() => [] as string[])).filter((n) => n.endsWith(".json")).sort();
  const saved: SavedMapping[] = [];
  for (const name of names) {
    const text = await readFile(path.join(process.cwd(), "examples", "mappings", name), "utf8");
    const checked = parseMappingText(text);
    if (checked.ok) saved.push({ id: name.replace(/\.json$/, ""), mapping: checked.mapping, text });
    else console.error(`[import] Saved mapping ${name} is left out: ${checked.problems.join("; ")}`);
  }
  return saved;
}

/** The mapping a file's header suggests: the built-in Telco layout, else the first saved mapping whose columns it has. */
export function suggestMapping(columns: readonly string[], saved: readonly SavedMapping[]): "builtin" | string | null {
  if (columns.length > 0 && missingTelcoColumns(columns).length === 0) return "builtin";
  const present = new Set(columns);
  return saved.find((s) => mappedColumns(s.mapping).every((c) => present.has(c)))?.id ?? null;
}
