"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createUserAction, resetUserPasswordAction, updateUserAction } from "@/app/users/actions";
import { Dialog } from "@/components/ui/dialog";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "@/components/ui/form-controls";
import { formatDateTime } from "@/components/ui/format";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/limits";
import { ROLE_LABELS, ROLES, type Role } from "@/lib/auth/roles";

export type UserItem = { id: string; email: string; name: string; role: Role; isActive: boolean; createdAt: string; lastSignInAt: string | null };

type Notice = { tone: "success" | "error"; text: string };
type Result = { ok: true; data: { message: string } } | { ok: false; message: string; fieldErrors?: Record<string, string[]> };

function NoticeLine({ notice }: { notice: Notice | null }) {
  if (!notice) return null;
  return (
    <p
      role={notice.tone === "error" ? "alert" : "status"}
      data-testid="users-notice"
      className={`rounded-md border px-3 py-2 text-sm ${notice.tone === "error" ? "border-red-200 bg-red-50 text-red-800" : "border-emerald-200 bg-emerald-50 text-emerald-900"}`}
    >
      {notice.text}
    </p>
  );
}

function useSubmit(onDone?: () => void) {
  const router = useRouter();
  const [isPending, startTransition] = useTransition();
  const [notice, setNotice] = useState<Notice | null>(null);
  const submit = (run: () => Promise<Result>) =>
    startTransition(async () => {
      try {
        const result = await run();
        if (!result.ok) return setNotice({ tone: "error", text: result.message });
        setNotice({ tone: "success", text: result.data.message });
        onDone?.();
        router.refresh();
      } catch {
        setNotice({ tone: "error", text: "The change could not be sent; check the connection and try again." });
      }
    });
  return { isPending, notice, setNotice, submit };
}

function AddUserForm() {
  const [formKey, setFormKey] = useState(0);
  const { isPending, notice, submit } = useSubmit(() => setFormKey((k) => k + 1));
  return (
    <div className="space-y-3">
      <form
        key={formKey}
        aria-label="Add a user"
        className="grid grid-cols-1 items-end gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm sm:grid-cols-2 xl:grid-cols-5"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          submit(() => createUserAction({ email: f.get("email"), name: f.get("name"), role: f.get("role"), password: f.get("password") }));
        }}
      >
        <div>
          <label htmlFor="new-user-name" className={labelClass}>
            Name
          </label>
          <input id="new-user-name" name="name" required maxLength={80} className={inputClass} />
        </div>
        <div>
          <label htmlFor="new-user-email" className={labelClass}>
            Email address
          </label>
          <input id="new-user-email" name="email" type="email" required maxLength={254} className={inputClass} />
        </div>
        <div>
          <label htmlFor="new-user-role" className={labelClass}>
            Role
          </label>
          <select id="new-user-role" name="role" defaultValue="viewer" className={inputClass}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="new-user-password" className={labelClass}>
            First password (at least {MIN_PASSWORD_LENGTH} characters)
          </label>
          <input id="new-user-password" name="password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} className={inputClass} />
        </div>
        <button type="submit" className={primaryButtonClass} disabled={isPending}>
          {isPending ? "Adding…" : "Add user"}
        </button>
      </form>
      <NoticeLine notice={notice} />
    </div>
  );
}

function UserRow({ user, isSelf }: { user: UserItem; isSelf: boolean }) {
  const [role, setRole] = useState<Role>(user.role);
  const [storedRole, setStoredRole] = useState<Role>(user.role);
  // After a save the page reloads its rows; the choice follows what was stored (set while rendering, not in an effect).
  if (storedRole !== user.role) {
    setStoredRole(user.role);
    setRole(user.role);
  }
  const [isPasswordOpen, setPasswordOpen] = useState(false);
  const [isRenameOpen, setRenameOpen] = useState(false);
  const { isPending, notice, submit } = useSubmit();
  const password = useSubmit(() => setPasswordOpen(false));
  const rename = useSubmit(() => setRenameOpen(false));
  const changesOf = (changes: Partial<Pick<UserItem, "name" | "role" | "isActive">>) => ({
    id: user.id,
    name: changes.name ?? user.name,
    role: changes.role ?? user.role,
    isActive: changes.isActive ?? user.isActive,
  });
  const update = (changes: Partial<Pick<UserItem, "role" | "isActive">>) => submit(() => updateUserAction(changesOf(changes)));

  return (
    <tr data-testid="user-row" data-email={user.email} className={user.isActive ? "" : "bg-zinc-50 text-zinc-500"}>
      <td className="px-3 py-2 align-top">
        <div className="font-medium">
          {user.name}
          {isSelf ? <span className="ml-1 text-xs text-zinc-500">(you)</span> : null}
        </div>
        <div className="text-xs text-zinc-600">{user.email}</div>
      </td>
      <td className="px-3 py-2 align-top">
        <div className="flex items-center gap-2">
          <label className="sr-only" htmlFor={`role-${user.id}`}>
            Role of {user.name}
          </label>
          <select id={`role-${user.id}`} value={role} onChange={(e) => setRole(e.target.value as Role)} className={`${inputClass} w-36`} disabled={isPending} data-testid="user-role">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
          {role !== user.role ? (
            <button type="button" className={secondaryButtonClass} disabled={isPending} onClick={() => update({ role })} data-testid="user-role-save">
              Save
            </button>
          ) : null}
        </div>
      </td>
      <td className="whitespace-nowrap px-3 py-2 align-top text-xs">
        <div data-testid="user-status">{user.isActive ? "Active" : "Deactivated"}</div>
        <div className="text-zinc-500">Last sign-in: {user.lastSignInAt ? formatDateTime(new Date(user.lastSignInAt)) : "never"}</div>
      </td>
      <td className="px-3 py-2 align-top">
        <div className="flex flex-wrap gap-2">
          <button type="button" className={secondaryButtonClass} disabled={isPending} onClick={() => update({ isActive: !user.isActive })} data-testid="user-toggle-active">
            {user.isActive ? "Deactivate" : "Reactivate"}
          </button>
          <button type="button" className={secondaryButtonClass} onClick={() => setRenameOpen(true)} data-testid="user-rename">
            Rename…
          </button>
          <button type="button" className={secondaryButtonClass} onClick={() => setPasswordOpen(true)}>
            Set password…
          </button>
        </div>
        <div className="mt-1 max-w-sm">
          <NoticeLine notice={notice ?? rename.notice ?? password.notice} />
        </div>
        {isRenameOpen ? (
          <Dialog title={`Rename ${user.name}`} onClose={() => setRenameOpen(false)} isBusy={rename.isPending} size="sm" testId="rename-dialog">
            <form
              className="space-y-3"
              onSubmit={(e) => {
                e.preventDefault();
                const name = new FormData(e.currentTarget).get("name");
                rename.submit(() => updateUserAction({ ...changesOf({}), name }));
              }}
            >
              <div>
                <label htmlFor={`name-${user.id}`} className={labelClass}>
                  Name, as screens and the audit trail show it
                </label>
                <input id={`name-${user.id}`} name="name" defaultValue={user.name} required maxLength={80} className={inputClass} />
              </div>
              <NoticeLine notice={rename.notice?.tone === "error" ? rename.notice : null} />
              <div className="flex justify-end gap-2">
                <button type="button" className={secondaryButtonClass} onClick={() => setRenameOpen(false)} disabled={rename.isPending}>
                  Cancel
                </button>
                <button type="submit" className={primaryButtonClass} disabled={rename.isPending}>
                  Rename
                </button>
              </div>
            </form>
          </Dialog>
        ) : null}
        {isPasswordOpen ? (
          <Dialog title={`New password for ${user.name}`} onClose={() => setPasswordOpen(false)} isBusy={password.isPending} size="sm" testId="password-dialog">
            <form
              className="space-y-3"
              onSubmit={(e) => {
                e.preventDefault();
                const f = new FormData(e.currentTarget);
                password.submit(() => resetUserPasswordAction({ id: user.id, password: f.get("password") }));
              }}
            >
              <div>
                <label htmlFor={`password-${user.id}`} className={labelClass}>
                  New password (at least {MIN_PASSWORD_LENGTH} characters); their sessions end
                </label>
                <input id={`password-${user.id}`} name="password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} className={inputClass} />
              </div>
              <NoticeLine notice={password.notice?.tone === "error" ? password.notice : null} />
              <div className="flex justify-end gap-2">
                <button type="button" className={secondaryButtonClass} onClick={() => setPasswordOpen(false)} disabled={password.isPending}>
                  Cancel
                </button>
                <button type="submit" className={primaryButtonClass} disabled={password.isPending}>
                  Set password
                </button>
              </div>
            </form>
          </Dialog>
        ) : null}
      </td>
    </tr>
  );
}

/** Administrators' view of who may sign in: add people, rename them, change roles, deactivate, set passwords. */
export function UsersAdmin({ users, selfId }: { users: UserItem[]; selfId: string | null }) {
  return (
    <div className="space-y-6">
      <AddUserForm />
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-zinc-200 text-sm" data-testid="users-table">
          <caption className="sr-only">Users</caption>
          <thead className="bg-zinc-50 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
            <tr>
              <th scope="col" className="px-3 py-2">User</th>
              <th scope="col" className="px-3 py-2">Role</th>
              <th scope="col" className="px-3 py-2">Status</th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {users.map((u) => (
              <UserRow key={u.id} user={u} isSelf={u.id === selfId} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
