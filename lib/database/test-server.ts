// Vitest global setup: one real, throw-away PostgreSQL for the whole test run, with a migrated
// template database that each test file clones (CREATE DATABASE ... TEMPLATE is fast).
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ensureDatabaseExists, startLocalPostgres } from "./embedded";
import { applyMigrations } from "./migrate";
import { dataDir } from "./paths";

export const TEMPLATE_DATABASE = "cvm_template";

declare module "vitest" {
  export interface ProvidedContext {
    pgServerUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startLocalPostgres({ dir: path.join(dataDir, `test-pg-${process.pid}`), isEphemeral: true });
  await ensureDatabaseExists(server.urlFor("postgres"), TEMPLATE_DATABASE);
  await applyMigrations(server.urlFor(TEMPLATE_DATABASE));
  project.provide("pgServerUrl", server.urlFor("postgres"));
  return async () => {
    await server.stop();
  };
}
