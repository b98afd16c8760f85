"use client";

import { useQuery } from "@tanstack/react-query";
import type { ConstraintsSnapshot } from "@/lib/queries/constraints";
import { CONSTRAINTS_QUERY_KEY } from "./query-key";

const POLL_MS = 1_000;

async function fetchConstraints(): Promise<ConstraintsSnapshot> {
  const response = await fetch("/api/constraints", { cache: "no-store", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`The server answered ${response.status}`);
  return (await response.json()) as ConstraintsSnapshot;
}

/**
 * Every resource's live capacity, polled every second under CONSTRAINTS_QUERY_KEY; `initial` is the
 * server render's reading, so the first paint needs no request.
 */
export function useConstraintsQuery(initial: ConstraintsSnapshot) {
  return useQuery({
    queryKey: CONSTRAINTS_QUERY_KEY,
    queryFn: fetchConstraints,
    initialData: initial,
    initialDataUpdatedAt: () => new Date(initial.asOf).getTime(),
    refetchInterval: POLL_MS,
    staleTime: 0,
    retry: false,
  });
}
