import "server-only";
import type { PrismaClient } from "./generated/prisma/client";
import { createPrismaClient } from "./database/client";
import { getEnv } from "./env";

// One client per server process; cached on globalThis so development reloads do not open new pools.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

function create(): PrismaClient {
  const url = getEnv().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides the database.");
  return createPrismaClient(url, { max: 10 });
}

export const db: PrismaClient = globalForPrisma.prisma ?? create();
if (getEnv().NODE_ENV !== "production") globalForPrisma.prisma = db;
