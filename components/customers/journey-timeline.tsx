import type { EventType } from "@/lib/generated/prisma/enums";
import type { JourneyEventRow } from "@/lib/queries/customers";
import { EmptyState } from "../ui/empty-state";
import { formatNumber, humanize, plural } from "../ui/format";

type Look = { icon: string; classes: string; label: string };

// Each kind of event has its own mark and colour family: risk in red, money in amber, our contacts
// in indigo, conversations in sky, usage in emerald, the rest in grey. The label is always shown
// too, so colour is never the only cue.
const LOOKS: Record<EventType, Look> = {
  complaint: { icon: "!", classes: "bg-red-100 text-red-800 ring-red-300", label: "Complaint" },
  network_incident: { icon: "⚠", classes: "bg-red-100 text-red-800 ring-red-300", label: "Network incident" },
  churn_score: { icon: "%", classes: "bg-orange-100 text-orange-800 ring-orange-300", label: "Churn score (data)" },
  payment: { icon: "£", classes: "bg-amber-100 text-amber-900 ring-amber-300", label: "Payment" },
  billing: { icon: "≡", classes: "bg-amber-50 text-amber-800 ring-amber-200", label: "Bill" },
  offer: { icon: "★", classes: "bg-indigo-100 text-indigo-800 ring-indigo-300", label: "Offer" },
  campaign_contact: { icon: "✉", classes: "bg-indigo-100 text-indigo-800 ring-indigo-300", label: "Campaign contact" },
  call_transcript: { icon: "☎", classes: "bg-sky-100 text-sky-800 ring-sky-300", label: "Call" },
  chat_transcript: { icon: "✎", classes: "bg-sky-100 text-sky-800 ring-sky-300", label: "Chat" },
  usage: { icon: "↕", classes: "bg-emerald-100 text-emerald-800 ring-emerald-300", label: "Usage" },
  network_quality: { icon: "≈", classes: "bg-teal-100 text-teal-800 ring-teal-300", label: "Network quality" },
  plan_change: { icon: "⇄", classes: "bg-violet-100 text-violet-800 ring-violet-300", label: "Plan change" },
  device: { icon: "▯", classes: "bg-zinc-100 text-zinc-700 ring-zinc-300", label: "Device" },
  web_click: { icon: "↗", classes: "bg-zinc-100 text-zinc-700 ring-zinc-300", label: "Web visit" },
};

function lookOf(type: EventType): Look {
  return LOOKS[type] ?? { icon: "•", classes: "bg-zinc-100 text-zinc-700 ring-zinc-300", label: humanize(type) };
}

const TIME_ZONE = "Europe/London";
const monthFormat = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: TIME_ZONE });
const dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: TIME_ZONE });
const timeFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: TIME_ZONE });

type Month = { label: string; events: JourneyEventRow[] };

/** Newest month first, newest event first within it. */
function byMonth(events: JourneyEventRow[]): Month[] {
  const months = new Map<string, Month>();
  for (const e of [...events].reverse()) {
    const label = monthFormat.format(e.occurredAt);
    let month = months.get(label);
    if (!month) {
      month = { label, events: [] };
      months.set(label, month);
    }
    month.events.push(e);
  }
  return [...months.values()];
}

/** The event types present, with how many of each, as a legend. */
function legend(events: JourneyEventRow[]): [EventType, number][] {
  const counts = new Map<EventType, number>();
  for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

export function JourneyTimeline({ events }: { events: JourneyEventRow[] }) {
  if (events.length === 0) return <EmptyState title="No journey events recorded for this customer." testId="journey-empty" />;
  return (
    <div className="rounded-lg border border-zinc-200 bg-white shadow-sm">
      <ul className="flex flex-wrap gap-2 border-b border-zinc-100 px-3 py-2 text-xs" aria-label="Event types in this journey" data-testid="journey-legend">
        {legend(events).map(([type, n]) => {
          const look = lookOf(type);
          return (
            <li key={type} className="flex items-center gap-1 text-zinc-700">
              <span aria-hidden className={`inline-flex h-5 w-5 items-center justify-center rounded-full text-[11px] font-bold ring-1 ring-inset ${look.classes}`}>
                {look.icon}
              </span>
              {look.label} <span className="tabular-nums text-zinc-500">{formatNumber(n)}</span>
            </li>
          );
        })}
      </ul>
      <div className="max-h-[40rem] overflow-y-auto px-3 py-2" data-testid="journey-timeline">
        {byMonth(events).map((month) => (
          <section key={month.label} aria-label={month.label} className="mb-3" data-testid="journey-month">
            <h3 className="sticky top-0 z-10 bg-white/95 py-1 text-xs font-semibold uppercase tracking-wide text-zinc-500 backdrop-blur">
              {month.label} <span className="font-normal normal-case">· {plural(month.events.length, "event")}</span>
            </h3>
            <ol className="relative ml-3 border-l border-zinc-200">
              {month.events.map((e) => {
                const look = lookOf(e.type);
                return (
                  <li key={e.id} className="relative grid grid-cols-[6.5rem_9rem_1fr] items-start gap-2 py-1.5 pl-5 text-sm" data-testid="journey-event" data-type={e.type}>
                    <span
                      aria-hidden
                      className={`absolute -left-2.5 top-1.5 inline-flex h-5 w-5 items-center justify-center rounded-full text-[11px] font-bold ring-1 ring-inset ${look.classes}`}
                    >
                      {look.icon}
                    </span>
                    <time dateTime={e.occurredAt.toISOString()} className="whitespace-nowrap text-xs leading-5 text-zinc-600 tabular-nums">
                      {dayFormat.format(e.occurredAt)} {timeFormat.format(e.occurredAt)}
                    </time>
                    <span className={`w-fit whitespace-nowrap rounded px-1.5 text-xs font-medium leading-5 ring-1 ring-inset ${look.classes}`}>{look.label}</span>
                    <span className="min-w-0 text-zinc-800">{e.summary}</span>
                  </li>
                );
              })}
            </ol>
          </section>
        ))}
      </div>
    </div>
  );
}
