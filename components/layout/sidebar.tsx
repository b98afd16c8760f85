import Link from "next/link";
import { NavLink } from "./nav-link";

export const NAV_ITEMS = [
  { href: "/", label: "Overview" },
  { href: "/customers", label: "Customers" },
  { href: "/review", label: "Review" },
  { href: "/constraints", label: "Constraints" },
  { href: "/allocations", label: "Allocations" },
  { href: "/runs", label: "Runs" },
  { href: "/treatments", label: "Treatments" },
  { href: "/demo", label: "Demo" },
] as const;

/** A left column on wide screens; on tablets and phones a bar across the top whose links wrap onto more rows rather than run off-screen. */
export function Sidebar() {
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
            {NAV_ITEMS.map((item) => (
              <li key={item.href}>
                <NavLink href={item.href}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </div>
    </aside>
  );
}
