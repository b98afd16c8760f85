import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine as WasmSchemaEngine } from "@prisma/schema-engine-wasm";

export type SchemaEngine = WasmSchemaEngine;

const require = createRequire(import.meta.url);

type WasmModule = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
let loaded: Promise<WasmModule> | undefined;

// Load the engine's bytes ourselves: importing the .wasm as an ES module needs an
// experimental Node flag on Node 20.
function loadWasm(): Promise<WasmModule> {
  loaded ??= (async () => {
    const bg = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as WasmModule;
    const pkgDir = path.dirname(require.resolve("@prisma/schema-engine-wasm"));
    const bytes = readFileSync(path.join(pkgDir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, {
      "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return bg;
  })();
  return loaded;
}

/** Opens Prisma's schema engine against `url`; `datamodel` is the schema.prisma text it starts from. */
export async function openSchemaEngine(opts: { url: string; datamodel?: string; log?: (m: string) => void }) {
  const bg = await loadWasm();
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: opts.url }));
  const datamodels: [string, string][] | undefined = opts.datamodel ? [["schema.prisma", opts.datamodel]] : undefined;
  return bg.SchemaEngine.new({ datamodels }, (m: string) => opts.log?.(m), adapterFactory);
}
