"use client";

import { useEffect } from "react";
import { primaryButtonClass } from "@/components/ui/form-controls";

// The error itself is only logged: its text may carry database or model details a user must not see.
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <div role="alert" className="mx-auto mt-16 max-w-lg rounded-lg border border-zinc-200 bg-white p-8 text-center shadow-sm" data-testid="page-error">
      <h1 className="text-xl font-semibold text-zinc-900">Something went wrong</h1>
      <p className="mt-2 text-sm text-zinc-600">
        This page could not be loaded just now. It may be a passing problem with the database; trying again usually helps.
      </p>
      <button type="button" onClick={() => retry()} className={`${primaryButtonClass} mt-6`}>
        Try again
      </button>
    </div>
  );
}
