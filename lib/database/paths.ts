import path from "node:path";

/** The project root: every CLI runs from it (npm scripts do). */
export const projectRoot = process.cwd();
export const schemaPath = path.join(projectRoot, "prisma", "schema.prisma");
export const migrationsDir = path.join(projectRoot, "prisma", "migrations");
/** The datamodel as of the newest migration, from which the next migration is diffed. */
export const dataDir = path.join(projectRoot, ".data");
