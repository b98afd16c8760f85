// Placeholders drawn while a customer page's slower sections load. Each uses the grid of the part it
// stands for, so the page keeps its height when the content arrives.

const bar = "rounded bg-zinc-200";

/** As many label/value pairs as the journey metrics show, in the description list's grid. */
const METRIC_COUNT = 16;

function Loading({ label }: { label: string }) {
  return <span className="sr-only">{label}</span>;
}

export function JourneyInsightsSkeleton() {
  return (
    <div role="status" aria-live="polite" className="animate-pulse space-y-4" data-testid="customer-insights-loading">
      <Loading label="Loading what the journey agent sees…" />
      <div aria-hidden className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm">
        <div className={`mb-3 h-5 w-20 ${bar}`} />
        <div className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-3 xl:grid-cols-4">
          {Array.from({ length: METRIC_COUNT }, (_, i) => (
            <div key={i}>
              <div className={`h-4 w-24 ${bar}`} />
              <div className={`mt-0.5 h-5 w-16 ${bar}`} />
            </div>
          ))}
        </div>
      </div>
      <div aria-hidden className="grid gap-4 lg:grid-cols-2">
        <div className="h-40 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm lg:h-96">
          <div className={`h-5 w-20 ${bar}`} />
          <div className={`mt-3 h-4 w-3/4 ${bar}`} />
          <div className={`mt-2 h-4 w-2/3 ${bar}`} />
        </div>
        <div className="h-96 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm">
          <div className={`h-5 w-40 ${bar}`} />
          <div className={`mt-2 h-4 w-2/3 ${bar}`} />
          <div className="mt-2 h-72 rounded bg-zinc-100" />
        </div>
      </div>
    </div>
  );
}

export function CustomerRecommendationsSkeleton() {
  return (
    <div role="status" aria-live="polite" className="animate-pulse" data-testid="customer-recommendations-loading">
      <Loading label="Loading recommendations…" />
      <div aria-hidden>
        <div className="mb-4 h-8 w-56 rounded-md bg-zinc-200" />
        <div className="space-y-3">
          {[0, 1].map((i) => (
            <div key={i} className="h-44 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm">
              <div className={`h-5 w-48 ${bar}`} />
              <div className={`mt-3 h-4 w-2/3 ${bar}`} />
              <div className={`mt-2 h-4 w-1/2 ${bar}`} />
              <div className="mt-4 grid gap-3 md:grid-cols-2">
                <div className={`h-12 ${bar}`} />
                <div className={`h-12 ${bar}`} />
              </div>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
