import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient } from "../generated/prisma/client";

/**
 * A Prisma client over node-postgres. Given a pool, it queries through that pool and leaves ending
 * it to its owner; given a URL, it opens a pool of its own. The app's shared instance lives in lib/db.ts.
 */
export function createPrismaClient(source: string | pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(typeof source === "string" ? { connectionString: source, max: 10 } : source) });
}
