import Link from "next/link";
import { primaryButtonClass } from "@/components/ui/form-controls";

export default function CustomerNotFound() {
  return (
    <div className="mx-auto mt-16 max-w-lg rounded-lg border border-zinc-200 bg-white p-8 text-center shadow-sm" data-testid="customer-not-found">
      <h1 className="text-xl font-semibold text-zinc-900">Customer not found</h1>
      <p className="mt-2 text-sm text-zinc-600">No customer has this id. Search for them on the customer list.</p>
      <Link href="/customers" className={`${primaryButtonClass} mt-6`}>
        Back to customers
      </Link>
    </div>
  );
}
