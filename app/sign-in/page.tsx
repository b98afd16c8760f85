import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { type DemoAccount, SignInForm } from "@/components/auth/sign-in-form";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "@/lib/auth/roles";
import { getEnv } from "@/lib/env";
import { getCurrentActor } from "@/lib/session/actor";
import { safeNextPath } from "@/lib/validations/auth";
import { DEMO_PASSWORD, demoUsers } from "@/lib/auth/demo-users";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const { next: rawNext } = await searchParams;
  const next = safeNextPath(typeof rawNext === "string" ? rawNext : undefined);
  if (await getCurrentActor()) redirect(next);
  // The demo accounts and their password are listed in demo mode only; a real deployment shows none.
  const demoAccounts: DemoAccount[] = getEnv().DEMO_MODE
    ? demoUsers.map((u) => ({ email: u.email, name: u.name, role: u.role, roleLabel: ROLE_LABELS[u.role], description: ROLE_DESCRIPTIONS[u.role] }))
    : [];

  return (
    <div className="mx-auto mt-10 max-w-md">
      <div className="mb-6 flex items-center gap-2">
        <span aria-hidden className="grid h-8 w-8 place-items-center rounded-md bg-indigo-600 text-xs font-bold text-white">
          CV
        </span>
        <h1 className="text-lg font-semibold text-zinc-900">Sign in to CVM Treatment Desk</h1>
      </div>
      <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
        <SignInForm next={next === "/" ? undefined : next} demoAccounts={demoAccounts} demoPassword={demoAccounts.length > 0 ? DEMO_PASSWORD : undefined} />
      </div>
    </div>
  );
}
