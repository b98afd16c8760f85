// Administrators manage who may sign in: add a user with a password, change a name, role or
// whether the account is active, set a new password. Each change and its audit entry commit in one
// transaction. Passwords are stored only as scrypt hashes and never written to the audit trail.
// The last active administrator can be neither demoted nor deactivated, so nobody is locked out.
import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import type pg from "pg";
import { changedFields, writeAudit } from "../audit/write";
import { withTransaction } from "../database/transaction";
import { AppError } from "../errors";
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

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === "23505";

async function lockedUser(client: pg.PoolClient, id: string): Promise<UserSnapshot> {
  const { rows } = await client.query<UserSnapshot>(`SELECT email, name, role::text AS role, "isActive" FROM "User" WHERE id = $1 FOR UPDATE`, [id]);
  if (!rows[0]) throw new AppError({ code: "not_found", userMessage: "This user no longer exists." });
  return rows[0];
}

export async function createUser(pool: pg.Pool, opts: { actor: Actor; input: CreateUserInput }): Promise<{ id: string; message: string }> {
  const input = createUserInputSchema.parse(opts.input);
  const hash = await hashPassword(input.password);
  const id = randomUUID();
  try {
    return await withTransaction(pool, async (client) => {
      await client.query(
        `INSERT INTO "User" (id, email, name, role, "isActive", "emailVerified", "updatedAt") VALUES ($1, $2, $3, $4::"Role", true, false, now())`,
        [id, input.email, input.name, input.role],
      );
      await client.query(
        `INSERT INTO "Account" (id, "accountId", "providerId", "userId", password, "updatedAt") VALUES ($1, $2::text, 'credential', $2::uuid, $3, now())`,
        [randomUUID(), id, hash],
      );
      const after: UserSnapshot = { email: input.email, name: input.name, role: input.role, isActive: true };
      await writeAudit(client, { actor: opts.actor, action: "user.create", entityType: "User", entityId: id, before: null, after });
      return { id, message: `${input.name} can now sign in as ${input.role}.` };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError({ code: "conflict", userMessage: `A user with the email address ${input.email} already exists.` });
    throw err;
  }
}

export async function updateUser(
  pool: pg.Pool,
  opts: { actor: Actor; input: UpdateUserInput },
): Promise<{ isChanged: boolean; message: string; sessionsEnded: number }> {
  const { id, ...next } = updateUserInputSchema.parse(opts.input);
  return withTransaction(pool, async (client) => {
    // Every active administrator's row is locked first, so two admins demoting each other at once
    // cannot both succeed and leave none.
    const { rows: admins } = await client.query<{ id: string }>(`SELECT id FROM "User" WHERE role = 'admin' AND "isActive" ORDER BY id FOR UPDATE`);
    const current = await lockedUser(client, id);
    const diff = changedFields({ name: current.name, role: current.role, isActive: current.isActive }, next);
    if (!diff) return { isChanged: false, message: `No change: ${current.name} already has these values.`, sessionsEnded: 0 };
    const wasActiveAdmin = current.role === "admin" && current.isActive;
    const staysActiveAdmin = next.role === "admin" && next.isActive;
    if (wasActiveAdmin && !staysActiveAdmin && admins.length <= 1) {
      throw new AppError({ code: "conflict", userMessage: `${current.name} is the last active administrator; make someone else an administrator first.` });
    }
    await client.query(`UPDATE "User" SET name = $2, role = $3::"Role", "isActive" = $4, "updatedAt" = now() WHERE id = $1`, [id, next.name, next.role, next.isActive]);
    // A deactivated account is signed out everywhere at once.
    const ended = next.isActive ? 0 : ((await client.query(`DELETE FROM "Session" WHERE "userId" = $1`, [id])).rowCount ?? 0);
    await writeAudit(client, { actor: opts.actor, action: "user.update", entityType: "User", entityId: id, before: diff.before, after: { ...diff.after, ...(ended > 0 ? { sessionsEnded: ended } : {}) } });
    return { isChanged: true, message: `${next.name}: changed ${Object.keys(diff.after).join(", ")}.`, sessionsEnded: ended };
  });
}

export async function resetUserPassword(pool: pg.Pool, opts: { actor: Actor; input: ResetPasswordInput }): Promise<{ message: string; sessionsEnded: number }> {
  const input = resetPasswordInputSchema.parse(opts.input);
  const hash = await hashPassword(input.password);
  return withTransaction(pool, async (client) => {
    const user = await lockedUser(client, input.id);
    await client.query(
      `INSERT INTO "Account" (id, "accountId", "providerId", "userId", password, "updatedAt") VALUES ($1, $2::text, 'credential', $2::uuid, $3, now())
       ON CONFLICT ("providerId", "accountId") DO UPDATE SET password = EXCLUDED.password, "updatedAt" = now()`,
      [randomUUID(), input.id, hash],
    );
    // Whoever knew the old password is signed out with it.
    const ended = (await client.query(`DELETE FROM "Session" WHERE "userId" = $1`, [input.id])).rowCount ?? 0;
    await writeAudit(client, {
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
