// Administrators manage who may sign in: add a user with a password, change a name, role or
// whether the account is active, set a new password. Each change and its audit entry commit in one
// transaction. Passwords are stored only as scrypt hashes and never written to the audit trail.
// The last active administrator can be neither demoted nor deactivated, so nobody is locked out.
import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { changedFields, writeAudit } from "../audit/write";
import { AppError } from "../errors";
import { Prisma, type PrismaClient } from "../generated/prisma/client";
import {
  type CreateUserInput,
  type ResetPasswordInput,
  type UpdateUserInput,
  createUserInputSchema,
  resetPasswordInputSchema,
  updateUserInputSchema,
} from "../validations/users";
import type { Actor, Role } from "./roles";

type UserSnapshot = { email: string; name: string; role: Role; isActive: boolean };
type Tx = Prisma.TransactionClient;

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";

async function lockedUser(tx: Tx, id: string): Promise<UserSnapshot> {
  const rows = await tx.$queryRaw<UserSnapshot[]>`SELECT email, name, role::text AS role, "isActive" FROM "User" WHERE id = ${id}::uuid FOR UPDATE`;
  if (!rows[0]) throw new AppError({ code: "not_found", userMessage: "This user no longer exists." });
  return rows[0];
}

export async function createUser(prisma: PrismaClient, opts: { actor: Actor; input: CreateUserInput }): Promise<{ id: string; message: string }> {
  const input = createUserInputSchema.parse(opts.input);
  const hash = await hashPassword(input.password);
  const id = randomUUID();
  try {
    return await prisma.$transaction(async (tx) => {
      await tx.user.create({
        data: {
          id,
          email: input.email,
          name: input.name,
          role: input.role,
          isActive: true,
          emailVerified: false,
          accounts: { create: { id: randomUUID(), accountId: id, providerId: "credential", password: hash } },
        },
        select: { id: true },
      });
      const after: UserSnapshot = { email: input.email, name: input.name, role: input.role, isActive: true };
      await writeAudit(tx, { actor: opts.actor, action: "user.create", entityType: "User", entityId: id, before: null, after });
      return { id, message: `${input.name} can now sign in as ${input.role}.` };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError({ code: "conflict", userMessage: `A user with the email address ${input.email} already exists.` });
    throw err;
  }
}

export async function updateUser(
  prisma: PrismaClient,
  opts: { actor: Actor; input: UpdateUserInput },
): Promise<{ isChanged: boolean; message: string; sessionsEnded: number }> {
  const { id, ...next } = updateUserInputSchema.parse(opts.input);
  return prisma.$transaction(async (tx) => {
    // Every active administrator's row is locked first, so two admins demoting each other at once
    // cannot both succeed and leave none.
    const admins = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "User" WHERE role = 'admin' AND "isActive" ORDER BY id FOR UPDATE`;
    const current = await lockedUser(tx, id);
    const diff = changedFields({ name: current.name, role: current.role, isActive: current.isActive }, next);
    if (!diff) return { isChanged: false, message: `No change: ${current.name} already has these values.`, sessionsEnded: 0 };
    const wasActiveAdmin = current.role === "admin" && current.isActive;
    const staysActiveAdmin = next.role === "admin" && next.isActive;
    if (wasActiveAdmin && !staysActiveAdmin && admins.length <= 1) {
      throw new AppError({ code: "conflict", userMessage: `${current.name} is the last active administrator; make someone else an administrator first.` });
    }
    await tx.user.update({ where: { id }, data: { name: next.name, role: next.role, isActive: next.isActive }, select: { id: true } });
    // A deactivated account is signed out everywhere at once.
    const ended = next.isActive ? 0 : (await tx.session.deleteMany({ where: { userId: id } })).count;
    await writeAudit(tx, { actor: opts.actor, action: "user.update", entityType: "User", entityId: id, before: diff.before, after: { ...diff.after, ...(ended > 0 ? { sessionsEnded: ended } : {}) } });
    return { isChanged: true, message: `${next.name}: changed ${Object.keys(diff.after).join(", ")}.`, sessionsEnded: ended };
  });
}

export async function resetUserPassword(prisma: PrismaClient, opts: { actor: Actor; input: ResetPasswordInput }): Promise<{ message: string; sessionsEnded: number }> {
  const input = resetPasswordInputSchema.parse(opts.input);
  const hash = await hashPassword(input.password);
  return prisma.$transaction(async (tx) => {
    const user = await lockedUser(tx, input.id);
    await tx.account.upsert({
      where: { providerId_accountId: { providerId: "credential", accountId: input.id } },
      create: { id: randomUUID(), accountId: input.id, providerId: "credential", userId: input.id, password: hash },
      update: { password: hash },
      select: { id: true },
    });
    // Whoever knew the old password is signed out with it.
    const ended = (await tx.session.deleteMany({ where: { userId: input.id } })).count;
    await writeAudit(tx, {
      actor: opts.actor,
      action: "user.password_reset",
      entityType: "User",
      entityId: input.id,
      before: { password: "(previous)" },
      after: { password: "(new)", sessionsEnded: ended },
    });
    return { message: `${user.name} has a new password${ended > 0 ? "; their sessions were ended" : ""}.`, sessionsEnded: ended };
  });
}
