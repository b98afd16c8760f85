import { mkdtemp, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type ICruiseResult, type IViolation, cruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

// A miniature tree, outside the repository so `npm run check:deps` never sees it, with the same
// `@/` alias and packages as the real one: each rule must catch its breach and spare its exceptions.
const fixture: Record<string, string> = {
  "tsconfig.json": JSON.stringify({
    // baseUrl set: without it the alias would be resolved from the working directory, the real tree.
    compilerOptions: { module: "esnext", moduleResolution: "bundler", jsx: "react-jsx", strict: true, baseUrl: ".", paths: { "@/*": ["./*"] } },
  }),
  "lib/db.ts": "export const db = {};\nexport type Db = typeof db;\n",
  "lib/pool.ts": "export const pool = {};\n",
  "lib/database/connection.ts": "export const connection = {};\n",
  "lib/generated/prisma/client.ts": "export class PrismaClient {}\n",
  "lib/generated/prisma/enums.ts": "export const ValueTier = { low: 'low' } as const;\n",
  "prisma/seed/index.ts": "export function seedDemo() {}\n",
  "lib/agents/domain.ts": 'import { z } from "zod";\nexport const Id = z.string();\n',
  "lib/agents/uses-builtin.ts": 'import { randomUUID } from "node:crypto";\nexport const id = randomUUID();\n',
  "lib/agents/uses-db-type.ts": 'import type { Db } from "@/lib/db";\nexport type Port = { db: Db };\n',
  "lib/agents/uses-next.ts": 'import { cookies } from "next/headers";\nexport const read = cookies;\n',
  "lib/agents/uses-adapter.ts": 'import { pool } from "../pool";\nexport const p = pool;\n',
  "lib/agents/agent.test.ts": 'import pg from "pg";\nimport { Id } from "./domain";\nexport const t = [pg, Id];\n',
  "lib/agents/cycle-a.ts": 'import { b } from "./cycle-b";\nexport const a = () => b;\n',
  "lib/agents/cycle-b.ts": 'import { a } from "./cycle-a";\nexport const b = () => a;\n',
  "lib/agents/type-cycle-a.ts": 'import type { B } from "./type-cycle-b";\nexport type A = { b?: B };\n',
  "lib/agents/type-cycle-b.ts": 'import { type A } from "./type-cycle-a";\nexport type B = { a?: A };\nexport const isB = (x: A | B) => "a" in x;\n',
  "app/page.tsx": 'import { seedDemo } from "@/prisma/seed/index";\nexport default function Page() { seedDemo(); return null; }\n',
  "app/actions.test.ts": 'import { seedDemo } from "@/prisma/seed/index";\nexport const s = seedDemo;\n',
  "lib/cli/start.ts": 'import { seedDemo } from "../../prisma/seed/index";\nseedDemo();\n',
  "lib/cli/import.ts": 'import { seedDemo } from "../../prisma/seed/index";\nseedDemo();\n',
  "lib/cli/seed.ts": 'import { seedDemo } from "../../prisma/seed/index";\nseedDemo();\n',
  "lib/demo/reset.ts": 'import { seedDemo } from "../../prisma/seed/index";\nexport const reset = seedDemo;\n',
  "components/uses-db.tsx": 'import { db } from "@/lib/db";\nexport const C = () => String(db);\n',
  "components/uses-pool.tsx": 'import { pool } from "@/lib/pool";\nexport const C = () => String(pool);\n',
  "components/uses-database.tsx": 'import { connection } from "@/lib/database/connection";\nexport const C = () => String(connection);\n',
  "components/uses-client.tsx": 'import { PrismaClient } from "@/lib/generated/prisma/client";\nexport const C = () => String(PrismaClient);\n',
  "components/uses-pg.tsx": 'import pg from "pg";\nexport const C = () => String(pg);\n',
  "components/uses-prisma-package.tsx": 'import { PrismaClient } from "@prisma/client";\nexport const C = () => String(PrismaClient);\n',
  "components/uses-enums.tsx": 'import { ValueTier } from "@/lib/generated/prisma/enums";\nexport const C = () => ValueTier.low;\n',
  "components/uses-seed.tsx": 'import { seedDemo } from "@/prisma/seed/index";\nexport const C = () => String(seedDemo);\n',
};

let dir = "";
let violations: IViolation[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "architecture-"));
  for (const [file, text] of Object.entries(fixture)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  await symlink(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  const options = await extractDepcruiseOptions(path.join(root, ".dependency-cruiser.cjs"));
  const tsConfigFile = path.join(dir, "tsconfig.json");
  const result = await cruise(
    ["lib", "app", "components", "prisma"],
    { ...options, baseDir: dir, tsConfig: { fileName: tsConfigFile } },
    {},
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  violations = (result.output as ICruiseResult).summary.violations;
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Packages resolve through the node_modules link to the repository's copy: match them by their tail.
function found(rule: string, from: string, to: string) {
  return violations.some((v) => v.rule.name === rule && v.from === from && (v.to === to || (to.startsWith("node_modules/") && v.to.includes(to))));
}

describe("dependency rules", () => {
  test.each([
    ["agents-import-only-agents-and-zod", "lib/agents/uses-builtin.ts", "crypto", "an agent importing a node builtin"],
    ["agents-import-only-agents-and-zod", "lib/agents/uses-db-type.ts", "lib/db.ts", "an agent importing only a type of the database through @/"],
    ["agents-import-only-agents-and-zod", "lib/agents/uses-next.ts", "node_modules/next/headers", "an agent importing next/*"],
    ["agents-import-only-agents-and-zod", "lib/agents/uses-adapter.ts", "lib/pool.ts", "an agent importing an adapter beside it"],
    ["no-circular-agents", "lib/agents/cycle-a.ts", "lib/agents/cycle-b.ts", "two agent modules importing each other"],
    ["no-circular-agents", "lib/agents/type-cycle-a.ts", "lib/agents/type-cycle-b.ts", "two agent modules importing each other's types"],
    ["runtime-does-not-import-seed", "app/page.tsx", "prisma/seed/index.ts", "a page importing the seed"],
    ["runtime-does-not-import-seed", "lib/cli/import.ts", "prisma/seed/index.ts", "a command that does not seed importing the seed"],
    ["runtime-does-not-import-seed", "components/uses-seed.tsx", "prisma/seed/index.ts", "a component importing the seed"],
    ["components-do-not-import-database", "components/uses-db.tsx", "lib/db.ts", "a component importing lib/db"],
    ["components-do-not-import-database", "components/uses-pool.tsx", "lib/pool.ts", "a component importing lib/pool"],
    ["components-do-not-import-database", "components/uses-database.tsx", "lib/database/connection.ts", "a component importing lib/database"],
    ["components-do-not-import-database", "components/uses-client.tsx", "lib/generated/prisma/client.ts", "a component importing the generated Prisma client"],
    ["components-do-not-import-database", "components/uses-pg.tsx", "node_modules/pg/", "a component importing pg"],
    ["components-do-not-import-database", "components/uses-prisma-package.tsx", "node_modules/@prisma/client/", "a component importing @prisma/client"],
  ])("%s reports %s → %s (%s)", (rule, from, to) => {
    expect(found(rule, from, to), JSON.stringify(violations.map((v) => [v.rule.name, v.from, v.to]))).toBe(true);
  });

  test.each([
    ["lib/agents/domain.ts", "an agent importing zod and nothing else"],
    ["lib/agents/agent.test.ts", "an agent test reaching pg"],
    ["app/actions.test.ts", "a test seeding the database"],
    ["lib/cli/seed.ts", "the seed command"],
    ["lib/cli/start.ts", "the start command, which seeds an empty demo database"],
    ["lib/demo/reset.ts", "the demo reset"],
    ["components/uses-enums.tsx", "a component listing the values of a Prisma enum"],
  ])("spares %s (%s)", (from) => {
    expect(violations.filter((v) => v.from === from)).toEqual([]);
  });
});
