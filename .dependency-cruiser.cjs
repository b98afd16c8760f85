/**
 * Architecture boundaries, checked by `npm run check:deps` and exercised against fixtures in
 * lib/architecture.test.ts. Paths are relative to the repository root.
 */

// Tests may reach real PostgreSQL, the seed and the model servers: the boundaries bind what ships.
const TEST_FILE = "\\.test\\.tsx?$";

// Both spellings: a resolved package sits under node_modules, an unresolvable one keeps its bare name.
const DATABASE_PACKAGES = ["(^|/)node_modules/(pg|pg-copy-streams|@prisma/[^/]+)/", "^(pg|pg-copy-streams)$", "^@prisma/"];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "agents-import-only-agents-and-zod",
      severity: "error",
      comment:
        "lib/agents is plain TypeScript behind ports: it may import itself and zod, nothing else " +
        "(no node builtins, no database, no Next, no model client); crypto.randomUUID is the global.",
      from: { path: "^lib/agents/", pathNot: TEST_FILE },
      to: { pathNot: ["^lib/agents/", "(^|/)node_modules/zod/", "^zod($|/)"] },
    },
    {
      name: "no-circular-agents",
      severity: "error",
      // Type-only edges count too: two modules that need each other's types cannot be read, tested
      // or moved apart, and the next value import on that edge turns it into a load-order bug.
      comment: "Agent modules form a tree: a cycle, even through `import type`, ties two modules into one.",
      from: { path: "^lib/agents/" },
      to: { path: "^lib/agents/", circular: true },
    },
    {
      name: "runtime-does-not-import-seed",
      severity: "error",
      comment:
        "The demo seed writes synthetic customers and well-known passwords: only the commands that seed " +
        "(seed; start, on an empty demo database; bench and bench:review, on their throw-away databases; bench:alloc, in memory) and the demo reset " +
        "(lib/demo) may load it, never the app or its libraries.",
      from: {
        path: "^(lib|app|components)/",
        pathNot: [TEST_FILE, "^lib/cli/(seed|start|bench|bench-alloc|bench-review)\\.ts$", "^lib/demo/"],
      },
      to: { path: "^prisma/seed/" },
    },
    {
      name: "components-do-not-import-database",
      severity: "error",
      comment:
        "Components render what pages and actions hand them. The Prisma enums module is allowed: it " +
        "holds the enum constants alone (no client, no driver) and the filters list their values.",
      from: { path: "^components/", pathNot: TEST_FILE },
      to: {
        path: ["^lib/db\\.ts$", "^lib/pool\\.ts$", "^lib/database/", "^lib/generated/", ...DATABASE_PACKAGES],
        pathNot: "^lib/generated/prisma/enums\\.ts$",
      },
    },
  ],
  options: {
    doNotFollow: { path: ["(^|/)node_modules/", "^lib/generated/"] },
    exclude: { path: ["^\\.next/", "(^|/)test-results/", "(^|/)playwright-report/", "^e2e/\\.artifacts/", "^\\.data/"] },
    // Type-only imports count: an agent importing a Prisma type is still coupled to the database.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".d.ts", ".js", ".mjs", ".cjs", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};
