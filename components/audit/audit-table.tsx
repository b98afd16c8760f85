import Link from "next/link";
import { auditActionLabel, auditEntityLabel } from "@/lib/audit/actions";
import type { AuditRow } from "@/lib/queries/audit";
import type { FieldChange } from "@/lib/queries/constraints";
import { DataTable, type Column } from "../ui/data-table";
import { fieldLabel } from "./field-labels";
import { formatDateTime } from "../ui/format";

function Changes({ changes }: { changes: FieldChange[] }) {
  if (changes.length === 0) return <span className="text-zinc-500">—</span>;
  return (
    <dl className="space-y-0.5" data-testid="audit-changes">
      {changes.map((c) => (
        <div key={c.field} className="flex flex-wrap gap-x-1.5" data-field={c.field}>
          <dt className="text-zinc-500">{fieldLabel(c.field)}:</dt>
          <dd className="break-all text-zinc-900">
            {c.from === "—" ? null : (
              <>
                <span className="text-zinc-600 line-through decoration-zinc-400" data-testid="audit-before">
                  {c.from}
                </span>{" "}
                →{" "}
              </>
            )}
            <span data-testid="audit-after">{c.to}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The key under which a screen passes the human name of an audited thing. */
export const entityNameKey = (type: string, id: string) => `${type}:${id}`;

function EntityLink({ type, id, name, customerId }: { type: string; id: string; name?: string; customerId?: string }) {
  const href = customerId
    ? `/customers/${encodeURIComponent(customerId)}`
    : type === "Run" ? "/runs" : type === "ResourceConstraint" ? "/constraints" : type === "Treatment" ? "/treatments" : type === "User" ? "/users" : null;
  // The name leads; the key or id stays on hover, for matching against the id filter.
  const label = name ? (
    <span title={id}>{name}</span>
  ) : (
    <span className="font-mono text-xs">{customerId ? `${customerId} · ${id.slice(0, 8)}` : id}</span>
  );
  return (
    <div>
      <div className="text-xs text-zinc-500">{auditEntityLabel(type)}</div>
      {href ? (
        <Link href={href} className="text-indigo-700 hover:underline">
          {label}
        </Link>
      ) : (
        label
      )}
    </div>
  );
}

/** Audit entries: when, who, what, on which thing, and field by field what changed. */
type AuditTableProps = {
  rows: AuditRow[];
  isCompact?: boolean;
  testId?: string;
  /** Names of treatments, resources, runs and users by `entityNameKey`; a thing without one shows its id. */
  entityNames?: Readonly<Record<string, string>>;
};

export function AuditTable({ rows, isCompact = false, testId = "audit-table", entityNames = {} }: AuditTableProps) {
  const columns: Column<AuditRow>[] = [
    {
      key: "when",
      header: "When and who",
      className: "whitespace-nowrap",
      cell: (r) => (
        <div>
          <div>{formatDateTime(r.createdAt)}</div>
          <div className="text-xs text-zinc-600" data-testid="audit-actor">
            {r.actorLabel}
          </div>
        </div>
      ),
    },
    { key: "action", header: "What", cell: (r) => <span data-testid="audit-action" data-action={r.action}>{auditActionLabel(r.action)}</span> },
    ...(isCompact ? [] : [{ key: "entity", header: "On", cell: (r: AuditRow) => <EntityLink type={r.entityType} id={r.entityId} name={entityNames[entityNameKey(r.entityType, r.entityId)]} customerId={r.customerId} /> }]),
    { key: "changes", header: "Before → after", className: "min-w-64", cell: (r) => <Changes changes={r.changes} /> },
    { key: "reason", header: "Reason", className: "max-w-xs", cell: (r) => (r.reason ? <span className="text-zinc-800">{r.reason}</span> : <span className="text-zinc-500">—</span>) },
  ];
  return (
    <DataTable
      columns={columns}
      rows={rows}
      rowKey={(r) => r.id}
      empty={<p className="py-6 text-center text-sm text-zinc-600">No audit entries match.</p>}
      caption="Audit entries"
      testId={testId}
      rowTestId="audit-row"
    />
  );
}
