import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { UsersAdmin } from "@/components/users/users-admin";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES, can } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { listUsers } from "@/lib/queries/users";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  await connection();
  const actor = await requireSignedIn();
  // Only administrators see that this screen exists.
  if (!can(actor.role, "users.manage")) notFound();
  const users = await listUsers(db);

  return (
    <>
      <PageHeader title="Users" description="Who may sign in, and with which role. People are deactivated rather than deleted, so the audit trail keeps their names." />
      <UsersAdmin
        users={users.map((u) => ({ ...u, createdAt: u.createdAt.toISOString(), lastSignInAt: u.lastSignInAt?.toISOString() ?? null }))}
        selfId={actor.id}
      />
      <Section title="Roles">
        <dl className="grid gap-3 sm:grid-cols-2">
          {ROLES.map((r) => (
            <div key={r} className="rounded-lg border border-zinc-200 bg-white p-3 text-sm shadow-sm">
              <dt className="font-medium text-zinc-900">{ROLE_LABELS[r]}</dt>
              <dd className="text-zinc-700">{ROLE_DESCRIPTIONS[r]}</dd>
            </div>
          ))}
        </dl>
      </Section>
    </>
  );
}
