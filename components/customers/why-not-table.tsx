import type { WhyNot, WhyNotRow } from "@/lib/queries/why-not";
import { Badge, type BadgeTone } from "../ui/badge";
import { type Column, DataTable } from "../ui/data-table";
import { formatDate, formatDateTime, formatMoney, humanize } from "../ui/format";

/** How the table names the rule that excluded a treatment. */
const RULE_LABELS: Record<Extract<WhyNotRow, { fate: "excluded" }>["rule"], string> = {
  not_in_catalog: "Not in the catalog",
  inactive: "Inactive",
  no_channel: "No channel",
  invalid: "Invalid facts",
  eligibility: "Not eligible",
  consent: "No consent",
  decline_cooldown: "Declined recently",
  goal_paused: "Goal paused",
  approval_cooldown: "Cooldown",
  channel_limit: "Channel limit",
  overall_limit: "Contact limit",
  contact_time: "No contact time",
  set_aside: "Capacity full",
};

function fateBadge(row: WhyNotRow): { tone: BadgeTone; text: string } {
  if (row.fate === "chosen") return { tone: "success", text: "Chosen" };
  if (row.fate === "alternative") return { tone: "info", text: `Alternative ${row.rank}` };
  return { tone: "warning", text: RULE_LABELS[row.rule] };
}

/**
 * Why not, for every treatment of the catalog: what the newest decision chose, each ranked
 * alternative with its value, and each excluded treatment with the rule that excluded it; beside
 * each one that takes capacity, what a unit of it is worth, so a call set aside shows what it lost to.
 */
export function WhyNotTable({ whyNot }: { whyNot: WhyNot | null }) {
  if (!whyNot) return <p className="text-sm text-zinc-600">No decision for this customer has kept its treatments&apos; fates yet; run the pipeline to see them.</p>;
  const columns: Column<WhyNotRow>[] = [
    {
      key: "treatment",
      header: "Treatment",
      cell: (r) => (
        <>
          <span className="font-medium text-zinc-900">{r.name}</span>
          <span className="block text-xs text-zinc-500">{r.channel ? humanize(r.channel) : "No contact"}</span>
        </>
      ),
      className: "whitespace-nowrap",
    },
    {
      key: "fate",
      header: "Fate",
      cell: (r) => {
        const badge = fateBadge(r);
        return (
          <span data-testid="why-not-fate">
            <Badge tone={badge.tone}>{badge.text}</Badge>
          </span>
        );
      },
    },
    {
      key: "why",
      header: "Why",
      cell: (r) =>
        r.fate === "excluded" ? (
          <span data-testid="why-not-reason">{r.reason}</span>
        ) : (
          <span data-testid="why-not-reason">
            {formatMoney(r.value)} expected{r.fate === "chosen" ? ", the best allowed option" : ""}
          </span>
        ),
    },
    {
      key: "price",
      header: "Unit price",
      cell: (r) =>
        r.price ? (
          <span data-testid="why-not-price" title={r.price.asOf === "decision" ? "What a unit of its capacity was worth when decided" : "What a unit of its capacity is worth today, as the last run priced it"}>
            {r.price.amount > 0 ? `${formatMoney(r.price.amount)}${r.price.asOf === "today" ? " today" : ""}` : "Free"}
          </span>
        ) : (
          "—"
        ),
      className: "whitespace-nowrap tabular-nums",
    },
    { key: "until", header: "Allowed again", cell: (r) => (r.fate === "excluded" && r.until ? formatDate(r.until) : "—"), className: "whitespace-nowrap" },
  ];
  return (
    <>
      <p className="mb-2 text-sm text-zinc-600">
        Decision of {formatDateTime(whyNot.createdAt)} ({humanize(whyNot.status)}).
      </p>
      <DataTable
        columns={columns}
        rows={whyNot.rows}
        rowKey={(r) => r.treatmentKey}
        empty="The decision kept no treatments."
        caption="What became of each treatment"
        testId="why-not-table"
        rowTestId="why-not-row"
      />
    </>
  );
}
