"use client";

import { useActionState } from "react";
import { type SignInState, signInAction } from "@/app/sign-in/actions";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "@/components/ui/form-controls";

export type DemoAccount = { email: string; name: string; role: string; roleLabel: string; description: string };

/** Email and password; works without JavaScript too (a plain form post to the server action). */
export function SignInForm({ next, demoAccounts, demoPassword }: { next?: string; demoAccounts: DemoAccount[]; demoPassword?: string }) {
  const [state, formAction, isPending] = useActionState<SignInState, FormData>(signInAction, {});
  const errorOf = (field: string) => state.fieldErrors?.[field]?.[0];

  return (
    <div className="space-y-6">
      <form action={formAction} className="space-y-4" aria-label="Sign in" noValidate>
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <div>
          <label htmlFor="email" className={labelClass}>
            Email address
          </label>
          <input id="email" name="email" type="email" autoComplete="username" required defaultValue={state.email} className={inputClass} aria-invalid={Boolean(errorOf("email"))} />
          {errorOf("email") ? <p className="mt-1 text-xs text-red-700">{errorOf("email")}</p> : null}
        </div>
        <div>
          <label htmlFor="password" className={labelClass}>
            Password
          </label>
          <input id="password" name="password" type="password" autoComplete="current-password" required className={inputClass} aria-invalid={Boolean(errorOf("password"))} />
          {errorOf("password") ? <p className="mt-1 text-xs text-red-700">{errorOf("password")}</p> : null}
        </div>
        {state.message && !state.fieldErrors ? (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {state.message}
          </p>
        ) : null}
        <button type="submit" className={`${primaryButtonClass} w-full`} disabled={isPending}>
          {isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>

      {demoAccounts.length > 0 && demoPassword ? (
        <section aria-labelledby="demo-accounts-title" className="rounded-lg border border-amber-200 bg-amber-50 p-4" data-testid="demo-accounts">
          <h2 id="demo-accounts-title" className="text-sm font-semibold text-amber-900">
            Demo accounts
          </h2>
          <p className="mt-1 text-xs text-amber-900">
            Shown because this is a demo. Each uses the password <code className="rounded bg-white px-1 font-mono">{demoPassword}</code>.
          </p>
          <ul className="mt-3 space-y-2">
            {demoAccounts.map((account) => (
              <li key={account.email}>
                <form action={formAction} className="flex items-center justify-between gap-3 rounded-md bg-white px-3 py-2 shadow-sm">
                  <input type="hidden" name="email" value={account.email} />
                  <input type="hidden" name="password" value={demoPassword} />
                  {next ? <input type="hidden" name="next" value={next} /> : null}
                  <div className="min-w-0">
                    <p className="text-sm font-medium text-zinc-900">
                      {account.name} · {account.roleLabel}
                    </p>
                    <p className="text-xs text-zinc-600">{account.description}</p>
                    <p className="font-mono text-xs text-zinc-500">{account.email}</p>
                  </div>
                  <button type="submit" className={`${secondaryButtonClass} shrink-0 whitespace-nowrap`} disabled={isPending} aria-label={`Sign in as ${account.name} (${account.roleLabel})`}>
                    Sign in
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
