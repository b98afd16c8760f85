/** Placeholder shown while a screen loads its data. */
export function PageLoading() {
  return (
    <div role="status" aria-live="polite" className="animate-pulse" data-testid="page-loading">
      <span className="sr-only">Loading…</span>
      <div className="mb-6 h-8 w-56 rounded bg-zinc-200" />
      <div className="mb-6 grid grid-cols-2 gap-4 md:grid-cols-4">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="h-20 rounded-lg bg-zinc-200" />
        ))}
      </div>
      <div className="space-y-2">
        {[0, 1, 2, 3, 4, 5].map((i) => (
          <div key={i} className="h-9 rounded bg-zinc-200" />
        ))}
      </div>
    </div>
  );
}
