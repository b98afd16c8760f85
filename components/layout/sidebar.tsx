import Link from "next/link";
import { signOutAction } from "@/app/sign-in/actions";
import { type Actor, ROLE_LABELS, can } from "@/lib/auth/roles";
import { NavLink } from "./nav-link";

type NavItem = { href: string; label: string; isShown?: (ctx: { actor: Actor; isDemo: boolean }) => boolean };

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/", label: "Overview" },
  { href: "/customers", label: "Customers" },
  { href: "/segments", label: "Segments" },
  { href: "/review", label: "Review" },
  { href: "/constraints", label: "Constraints" },
  // Planning decides customers as a run would, so it is offered to those who may start runs.
  { href: "/scenarios", label: "Scenarios", isShown: ({ actor }) => can(actor.role, "runs.start") },
  { href: "/contact-policy", label: "Contact policy" },
  { href: "/allocations", label: "Allocations" },
  { href: "/runs", label: "Runs" },
  { href: "/evaluation", label: "Evaluation" },
  { href: "/experiments", label: "Experiments" },
  { href: "/treatments", label: "Treatments" },
  { href: "/import", label: "Import" },
  { href: "/audit", label: "Audit" },
  { href: "/users", label: "Users", isShown: ({ actor }) => can(actor.role, "users.manage") },
  { href: "/integrations", label: "Integrations", isShown: ({ actor }) => can(actor.role, "users.manage") },
  { href: "/demo", label: "Demo", isShown: ({ isDemo }) => isDemo },
];

/** A left column on wide screens; on tablets and phones a bar across the top whose links wrap onto more rows rather than run off-screen. */
export function Sidebar({ actor, isDemo }: { actor: Actor; isDemo: boolean }) {
  const name = actor.label.replace(/ \([a-z]+\)$/, "");
  return (
    // The column runs the page's full height; only its contents stay in view while the page scrolls.
    <aside className="border-b border-zinc-200 bg-white lg:w-56 lg:shrink-0 lg:border-b-0 lg:border-r">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 lg:sticky lg:top-0 lg:block lg:px-5 lg:py-5">
        <Link href="/" className="flex shrink-0 items-center gap-2">
          <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-xs font-bold text-white">
            CV
          </span>
          <span className="text-sm font-semibold leading-tight text-zinc-900">CVM Treatment Desk</span>
        </Link>
        <nav aria-label="Main" className="min-w-0 flex-1 basis-80 lg:mt-6" data-testid="sidebar">
          <ul className="flex flex-wrap gap-1 lg:flex-col lg:flex-nowrap">
            {NAV_ITEMS.filter((item) => item.isShown?.({ actor, isDemo }) ?? true).map((item) => (
              <li key={item.href}>
                <NavLink href={item.href}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="flex items-center gap-3 lg:mt-6 lg:block lg:border-t lg:border-zinc-200 lg:pt-4" data-testid="signed-in-user">
          <p className="text-sm leading-tight">
            <span className="block font-medium text-zinc-900">{name}</span>
            <span className="text-xs text-zinc-600" data-testid="signed-in-role">
              {ROLE_LABELS[actor.role]}
            </span>
          </p>
          <form action={signOutAction} className="lg:mt-2">
            <button type="submit" className="text-sm font-medium text-indigo-700 hover:underline">
              Sign out
            </button>
          </form>
        </div>
      </div>
    </aside>
  );
}
