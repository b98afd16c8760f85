import "server-only";
import type { PrismaClient } from "../generated/prisma/client";
import type { Role } from "../auth/roles";

export type UserRow = { id: string; email: string; name: string; role: Role; isActive: boolean; createdAt: Date; lastSignInAt: Date | null };

/** Every user, active ones first, by name. Teams are small: one page holds them all. */
export async function listUsers(db: PrismaClient): Promise<UserRow[]> {
  const users = await db.user.findMany({
    orderBy: [{ isActive: "desc" }, { name: "asc" }],
    select: { id: true, email: true, name: true, role: true, isActive: true, createdAt: true, sessions: { select: { createdAt: true }, orderBy: { createdAt: "desc" }, take: 1 } },
  });
  return users.map(({ sessions, ...u }) => ({ ...u, lastSignInAt: sessions[0]?.createdAt ?? null }));
}
