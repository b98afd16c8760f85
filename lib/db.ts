import "server-only";
import type { PrismaClient } from "./generated/prisma/client";
import { createPrismaClient } from "./database/client";
import { getPool } from "./pool";

// One client per server process; cached on globalThis so development reloads do not open new pools.
// Created on first use, not at import, because `next build` imports pages without a database.
// It queries through the process's one pg pool (lib/pool.ts), so screens and pipeline share its
// connections and its limit.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

function getClient(): PrismaClient {
  if (globalForPrisma.prisma) return globalForPrisma.prisma;
  globalForPrisma.prisma = createPrismaClient(getPool());
  return globalForPrisma.prisma;
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    const client = getClient();
    const value = Reflect.get(client, prop, client) as unknown;
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(client) : value;
  },
});
