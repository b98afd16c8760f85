import type { EventType } from "@/lib/generated/prisma/enums";
import type { JourneyEventRow } from "@/lib/queries/customers";
import { Badge, type BadgeTone } from "../ui/badge";
import { EmptyState } from "../ui/empty-state";
import { formatDateTime, humanize } from "../ui/format";

// Events that usually signal risk stand out; the rest stay quiet.
const TONES: Partial<Record<EventType, BadgeTone>> = {
  complaint: "danger",
  network_incident: "danger",
  payment: "warning",
  churn_score: "warning",
  campaign_contact: "accent",
  offer: "accent",
  plan_change: "info",
};

export function JourneyTimeline({ events }: { events: JourneyEventRow[] }) {
  if (events.length === 0) return <EmptyState title="No journey events recorded for this customer." testId="journey-empty" />;
  return (
    <ol className="max-h-[36rem] divide-y divide-zinc-100 overflow-y-auto rounded-lg border border-zinc-200 bg-white shadow-sm" data-testid="journey-timeline">
      {events.map((e) => (
        <li key={e.id} className="grid grid-cols-[10rem_9rem_1fr] items-start gap-3 px-3 py-2 text-sm" data-testid="journey-event">
          <time dateTime={e.occurredAt.toISOString()} className="whitespace-nowrap text-zinc-600 tabular-nums">
            {formatDateTime(e.occurredAt)}
          </time>
          <span>
            <Badge tone={TONES[e.type] ?? "neutral"}>{humanize(e.type)}</Badge>
          </span>
          <span className="text-zinc-800">{e.summary}</span>
        </li>
      ))}
    </ol>
  );
}
