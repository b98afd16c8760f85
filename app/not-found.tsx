import Link from "next/link";
import { primaryButtonClass } from "@/components/ui/form-controls";

export default function NotFound() {
  return (
    <div className="mx-auto mt-16 max-w-lg rounded-lg border border-zinc-200 bg-white p-8 text-center shadow-sm" data-testid="not-found">
      <h1 className="text-xl font-semibold text-zinc-900">Page not found</h1>
      <p className="mt-2 text-sm text-zinc-600">There is nothing at this address. It may have moved, or the link may be mistyped.</p>
      <Link href="/" className={`${primaryButtonClass} mt-6`}>
        Go to the overview
      </Link>
    </div>
  );
}
