import path from "node:path";

/** The project root: every CLI runs from it (npm scripts do). */
export const projectRoot = process.cwd();
export const schemaPath = path.join(projectRoot, "prisma", "schema.prisma");
export const migrationsDir = path.join(projectRoot, "prisma", "migrations");
/** The datamodel as of the newest migration, from which the next migration is diffed. */
export const dataDir = path.join(projectRoot, ".data");
/**
 * Run as root, the local PostgreSQL runs as the `postgres` user. When that user cannot enter the
 * project's folder (root's home, a `mktemp -d` folder), the server's binaries and data move here,
 * a folder every user can enter but only root can write; `.data/` then links to the data.
 */
export const localServerHome = "/var/lib/cvm-treatment-desk";
