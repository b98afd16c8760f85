import "server-only";
import type { PrismaClient } from "./generated/prisma/client";
import { createPrismaClient } from "./database/client";
import { getEnv } from "./env";

// One client per server process; cached on globalThis so development reloads do not open new pools.
// Created on first use, not at import, because `next build` imports pages without a database.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

function getClient(): PrismaClient {
  if (globalForPrisma.prisma) return globalForPrisma.prisma;
  const url = getEnv().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides the database.");
  globalForPrisma.prisma = createPrismaClient(url, { max: 10 });
  return globalForPrisma.prisma;
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    const client = getClient();
    const value = Reflect.get(client, prop, client) as unknown;
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(client) : value;
  },
});
