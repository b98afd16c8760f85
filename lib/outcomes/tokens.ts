// Integration tokens: the credential another system sends to POST /api/outcomes. The token is shown
// once; only its SHA-256 is stored, so a copy of the database cannot be used to write outcomes.
// A token authenticates that one route and nothing else: the sign-in library never sees it.
import { createHash, randomBytes } from "node:crypto";
import type pg from "pg";
import { z } from "zod";
import { writeAudit } from "../audit/write";
import type { Actor } from "../auth/roles";
import { AppError } from "../errors";

/** Marks the secret as ours when it turns up in a log or a config file. */
export const TOKEN_PREFIX = "cvmo_";
/** Characters shown on the screen to tell tokens apart: the marker and 6 of the secret. */
const SHOWN_CHARS = TOKEN_PREFIX.length + 6;

export const integrationNameSchema = z
  .string()
  .trim()
  .min(2, { error: "Name the system in at least 2 characters" })
  .max(60, { error: "At most 60 characters" })
  .regex(/^[\p{L}\p{N} ._()-]+$/u, { error: "Letters, digits, spaces and . _ ( ) - only" });

export const hashToken = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");

/** 32 random bytes: guessing one is out of reach, so the route needs no attempt limit of its own. */
export function generateToken(): { token: string; hash: string; shown: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashToken(token), shown: token.slice(0, SHOWN_CHARS) };
}

export type IntegrationTokenRow = {
  id: string;
  name: string;
  tokenPrefix: string;
  createdByLabel: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedByLabel: string | null;
};

/** Every token, active first and newest first; never the hash. */
export async function listIntegrationTokens(client: pg.Pool | pg.ClientBase): Promise<IntegrationTokenRow[]> {
  const { rows } = await client.query<IntegrationTokenRow>(
    `SELECT id, name, "tokenPrefix", "createdByLabel", "createdAt", "lastUsedAt", "revokedAt", "revokedByLabel"
       FROM "IntegrationToken" ORDER BY ("revokedAt" IS NOT NULL), "createdAt" DESC LIMIT 200`,
  );
  return rows;
}

/** Creates a token for the system `name` and audits it; the returned token is the only copy. */
export async function createIntegrationToken(pool: pg.Pool, opts: { actor: Actor; name: string }): Promise<{ id: string; name: string; token: string }> {
  const name = integrationNameSchema.parse(opts.name);
  const { token, hash, shown } = generateToken();
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO "IntegrationToken" (id, name, "tokenHash", "tokenPrefix", "createdById", "createdByLabel")
       VALUES (gen_random_uuid(), $1, $2, $3, $4::uuid, $5) ON CONFLICT (name) DO NOTHING RETURNING id`,
      [name, hash, shown, opts.actor.id, opts.actor.label],
    );
    const id = inserted.rows[0]?.id;
    if (!id) throw new AppError({ code: "conflict", userMessage: `An integration named ${name} exists already (revoked ones keep their name); choose another name.` });
    await writeAudit(client, { actor: opts.actor, action: "integration_token.create", entityType: "IntegrationToken", entityId: id, before: null, after: { name, tokenPrefix: shown } });
    await client.query("COMMIT");
    return { id, name, token };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Revokes a token at once (the next request with it is refused) and audits it; revoking twice is refused. */
export async function revokeIntegrationToken(pool: pg.Pool, opts: { actor: Actor; id: string }): Promise<{ name: string }> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ name: string; revokedAt: Date | null }>(`SELECT name, "revokedAt" FROM "IntegrationToken" WHERE id = $1::uuid FOR UPDATE`, [opts.id]);
    const row = rows[0];
    if (!row) throw new AppError({ code: "not_found", userMessage: "No such integration token." });
    if (row.revokedAt) throw new AppError({ code: "conflict", userMessage: `The token of ${row.name} was revoked already.` });
    await client.query(`UPDATE "IntegrationToken" SET "revokedAt" = now(), "revokedByLabel" = $2 WHERE id = $1::uuid`, [opts.id, opts.actor.label]);
    await writeAudit(client, { actor: opts.actor, action: "integration_token.revoke", entityType: "IntegrationToken", entityId: opts.id, before: { isRevoked: false }, after: { isRevoked: true } });
    await client.query("COMMIT");
    return { name: row.name };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export type IntegrationAuth = { ok: true; integration: { id: string; name: string } } | { ok: false; reason: string };

/**
 * The integration a request's `Authorization: Bearer <token>` header names, or why none does
 * (missing, malformed, unknown or revoked). Marks the token used.
 */
export async function authenticateIntegration(pool: pg.Pool, authorization: string | null): Promise<IntegrationAuth> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match) return { ok: false, reason: "Send an integration token as Authorization: Bearer <token>; an administrator creates one on the Integrations screen." };
  const { rows } = await pool.query<{ id: string; name: string; revokedAt: Date | null }>(
    `UPDATE "IntegrationToken" SET "lastUsedAt" = now() WHERE "tokenHash" = $1 RETURNING id, name, "revokedAt"`,
    [hashToken(match[1]!)],
  );
  const row = rows[0];
  if (!row) return { ok: false, reason: "This integration token is not known; ask an administrator for a new one." };
  if (row.revokedAt) return { ok: false, reason: `The token of ${row.name} was revoked; ask an administrator for a new one.` };
  return { ok: true, integration: { id: row.id, name: row.name } };
}

/** How the audit log names a system writing through its token. */
export const integrationActor = (integration: { name: string }): Pick<Actor, "id" | "label"> => ({ id: null, label: `Integration: ${integration.name}` });
