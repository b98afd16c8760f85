import type { CustomerProfile as Profile } from "@/lib/queries/customers";
import { DescriptionList } from "../ui/description-list";
import { formatDate, formatMoney, formatTenure, humanize } from "../ui/format";
import { ValueTierBadge } from "./value-tier-badge";

function churnText(churned: boolean | null): string {
  if (churned === null) return "Not known";
  return churned ? "Churned" : "Stayed";
}

export function CustomerProfile({ profile }: { profile: Profile }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="customer-profile">
      <DescriptionList
        items={[
          { label: "Id", value: <span className="font-mono">{profile.id}</span>, testId: "profile-id" },
          { label: "Segment", value: humanize(profile.segment) },
          { label: "Plan", value: profile.plan },
          { label: "Contract", value: humanize(profile.contractType) },
          { label: "Value tier", value: <ValueTierBadge tier={profile.valueTier} /> },
          { label: "Tenure", value: formatTenure(profile.tenureMonths) },
          { label: "Monthly revenue", value: formatMoney(profile.monthlyRevenue), testId: "profile-monthly-revenue" },
          { label: "Total revenue", value: profile.totalRevenue === null ? "—" : formatMoney(profile.totalRevenue) },
          { label: "Region", value: profile.region },
          { label: "Language", value: profile.language },
          { label: "Churn outcome", value: churnText(profile.churned) },
          { label: "Source", value: `${humanize(profile.source)} · since ${formatDate(profile.createdAt)}` },
        ]}
      />
    </div>
  );
}
