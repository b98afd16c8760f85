import { openSchemaEngine } from "./schema-engine";

const noFilters = { externalTables: [], externalEnums: [] };

/** The SQL that takes a database from datamodel `from` (null: empty) to datamodel `to`. */
export async function diffDatamodels(opts: { url: string; from: string | null; to: string }): Promise<string> {
  const engine = await openSchemaEngine({ url: opts.url });
  try {
    const target = (content: string) => ({
      tag: "schemaDatamodel" as const,
      files: [{ path: "schema.prisma", content }],
    });
    const result = await engine.diff({
      from: opts.from === null ? { tag: "empty" } : target(opts.from),
      to: target(opts.to),
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return result.stdout ?? "";
  } finally {
    engine.free();
  }
}
