import type { ReactNode } from "react";
import type { TreatmentRow } from "@/lib/queries/treatments";
import { Badge } from "../ui/badge";
import { EditTreatment } from "./edit-treatment";
import { EmptyState } from "../ui/empty-state";
import { formatMoney, formatNumber, formatPercent, humanize } from "../ui/format";

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-0.5 text-sm text-zinc-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function TreatmentCard({ t, canEdit }: { t: TreatmentRow; canEdit: boolean }) {
  return (
    <li className="flex flex-col rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="treatment-row" data-treatment={t.key}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 className="font-semibold text-zinc-900">{t.name}</h2>
          <div className="font-mono text-xs text-zinc-500">{t.key}</div>
        </div>
        <div className="flex flex-wrap gap-1">
          <Badge tone={t.channel ? "info" : "neutral"} testId="treatment-channel">
            {t.channel ? humanize(t.channel) : "No contact"}
          </Badge>
          <Badge tone="accent" testId="treatment-goal">
            {humanize(t.goal)}
          </Badge>
          {t.isActive ? null : <Badge tone="warning">Inactive</Badge>}
        </div>
      </div>
      <p className="mt-2 text-sm text-zinc-700">{t.description}</p>
      <dl className="mt-3 grid grid-cols-2 gap-3 border-t border-zinc-100 pt-3 sm:grid-cols-4">
        <Fact label="Cost per contact" testId="treatment-cost">
          {formatMoney(t.costPerContact)}
        </Fact>
        <Fact label="Priority">{t.priority === 1 ? "1 (highest)" : t.priority}</Fact>
        <Fact label="Expected effect">{formatPercent(t.expectedEffect)} less churn</Fact>
        <Fact label="Capacity" testId="treatment-capacity">
          {t.resource ? (
            <>
              <span className="block truncate" title={t.resource.name} data-testid="treatment-resource" data-resource-key={t.resource.key}>
                {t.resource.name}
              </span>
              <span className="block text-xs text-zinc-500" data-testid="treatment-resource-limit">
                {formatNumber(t.resource.limit)} per {t.resource.period}
                {t.unitsPerContact > 1 ? ` · ${t.unitsPerContact} units each` : ""}
              </span>
            </>
          ) : (
            <span className="text-zinc-500">Unlimited</span>
          )}
        </Fact>
      </dl>
      <div className="mt-3 border-t border-zinc-100 pt-3">
        <h3 className="text-xs font-medium uppercase tracking-wide text-zinc-500">Eligibility</h3>
        {t.eligibility.length === 0 ? (
          <p className="mt-0.5 text-sm text-zinc-700" data-testid="treatment-eligibility-everyone">
            Everyone (within their contact permissions)
          </p>
        ) : (
          <ul className="mt-1 space-y-0.5 text-sm" data-testid="treatment-eligibility">
            {t.eligibility.map((rule) => (
              <li key={rule.label} data-testid="eligibility-rule">
                <span className="text-zinc-500">{rule.label}:</span> {rule.value}
              </li>
            ))}
          </ul>
        )}
      </div>
      {canEdit ? (
        <EditTreatment
          treatment={{
            key: t.key,
            name: t.name,
            description: t.description,
            costPerContact: t.costPerContact,
            priority: t.priority,
            expectedEffect: t.expectedEffect,
            isActive: t.isActive,
            isNoAction: t.isNoAction,
          }}
        />
      ) : null}
    </li>
  );
}

/** The catalog as cards: every fact of a treatment readable without scrolling sideways. */
export function TreatmentsTable({ rows, canEdit = false }: { rows: TreatmentRow[]; /** Managers and administrators edit the catalog. */ canEdit?: boolean }) {
  if (rows.length === 0) return <EmptyState title="The treatment catalog is empty." testId="treatments-table" />;
  return (
    <ul className="grid gap-4 xl:grid-cols-2" aria-label="Treatment catalog" data-testid="treatments-table">
      {rows.map((t) => (
        <TreatmentCard key={t.key} t={t} canEdit={canEdit} />
      ))}
    </ul>
  );
}
