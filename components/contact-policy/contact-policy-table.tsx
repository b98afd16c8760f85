import { type ContactPolicyRule, describeRule, ruleLabel } from "@/lib/pipeline/contact-policy";
import { Badge } from "../ui/badge";
import { type Column, DataTable } from "../ui/data-table";
import { formatDateTime } from "../ui/format";
import { EditPolicyRule } from "./edit-policy-rule";

/** Every rule of the contact policy, what it does with its numbers, and for managers a way to change it. */
export function ContactPolicyTable({ rules, canEdit }: { rules: ContactPolicyRule[]; canEdit: boolean }) {
  const columns: Column<ContactPolicyRule>[] = [
    { key: "rule", header: "Rule", cell: (r) => <span className="font-medium text-zinc-900">{ruleLabel(r)}</span>, className: "whitespace-nowrap" },
    {
      key: "setting",
      header: "Setting",
      cell: (r) => (
        <span className={r.isEnabled ? "" : "text-zinc-500"} data-testid="policy-rule-setting">
          {describeRule(r)}
        </span>
      ),
    },
    {
      key: "status",
      header: "In force",
      cell: (r) => (
        <Badge tone={r.isEnabled ? "success" : "neutral"} testId="policy-rule-status">
          {r.isEnabled ? "On" : "Off"}
        </Badge>
      ),
    },
    { key: "changed", header: "Last changed", cell: (r) => (r.updatedAt ? formatDateTime(new Date(r.updatedAt)) : "Default"), className: "whitespace-nowrap" },
  ];
  if (canEdit) {
    columns.push({
      key: "edit",
      header: <span className="sr-only">Change</span>,
      align: "right",
      cell: (r) => <EditPolicyRule rule={{ key: r.key, kind: r.kind, label: ruleLabel(r), isEnabled: r.isEnabled, maxCount: r.maxCount, windowDays: r.windowDays, pauseDays: r.pauseDays, version: r.version }} />,
    });
  }
  return <DataTable columns={columns} rows={rules} rowKey={(r) => r.key} empty="No rules." caption="Contact policy rules" testId="contact-policy-table" rowTestId="policy-rule" />;
}
