"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createIntegrationTokenAction, revokeIntegrationTokenAction } from "@/app/integrations/actions";
import { Badge } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { inputClass, labelClass, primaryButtonClass, secondaryButtonClass } from "@/components/ui/form-controls";
import { formatDateTime } from "@/components/ui/format";

export type IntegrationTokenItem = {
  id: string;
  name: string;
  tokenPrefix: string;
  createdByLabel: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedByLabel: string | null;
};

type Notice = { tone: "success" | "error"; text: string };

function NoticeLine({ notice }: { notice: Notice | null }) {
  if (!notice) return null;
  return (
    <p
      role={notice.tone === "error" ? "alert" : "status"}
      data-testid="integrations-notice"
      className={`rounded-md border px-3 py-2 text-sm ${notice.tone === "error" ? "border-red-200 bg-red-50 text-red-800" : "border-emerald-200 bg-emerald-50 text-emerald-900"}`}
    >
      {notice.text}
    </p>
  );
}

/** Create a token (shown once, here, until the page is left) and revoke the ones in use. */
export function IntegrationTokens({ tokens }: { tokens: IntegrationTokenItem[] }) {
  const router = useRouter();
  const [isPending, startTransition] = useTransition();
  const [notice, setNotice] = useState<Notice | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [formKey, setFormKey] = useState(0);

  const send = (work: () => Promise<void>) =>
    startTransition(async () => {
      try {
        await work();
      } catch {
        setNotice({ tone: "error", text: "The change could not be sent; check the connection and try again." });
      }
    });

  return (
    <div className="mb-8 space-y-4">
      <form
        key={formKey}
        aria-label="Create an integration token"
        className="flex flex-wrap items-end gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm"
        onSubmit={(e) => {
          e.preventDefault();
          const name = String(new FormData(e.currentTarget).get("name") ?? "");
          send(async () => {
            const result = await createIntegrationTokenAction({ name });
            if (!result.ok) return setNotice({ tone: "error", text: result.message });
            setCreated({ name: name.trim(), token: result.data.token });
            setNotice({ tone: "success", text: result.data.message });
            setFormKey((k) => k + 1);
            router.refresh();
          });
        }}
      >
        <div className="min-w-64 flex-1">
          <label htmlFor="integration-name" className={labelClass}>
            System
          </label>
          <input id="integration-name" name="name" required minLength={2} maxLength={60} placeholder="e.g. Dialler" className={inputClass} />
        </div>
        <button type="submit" className={primaryButtonClass} disabled={isPending}>
          Create token
        </button>
      </form>
      <NoticeLine notice={notice} />
      {created ? (
        <div className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900" data-testid="integration-new-token">
          <p className="font-medium">Token for {created.name}: copy it into that system now. Only its first characters are kept here.</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code className="break-all rounded bg-white px-2 py-1 font-mono text-xs text-zinc-900 ring-1 ring-amber-200" data-testid="integration-token-value">
              {created.token}
            </code>
            <button type="button" className={secondaryButtonClass} onClick={() => void navigator.clipboard?.writeText(created.token)}>
              Copy
            </button>
            <button type="button" className={secondaryButtonClass} onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
      <DataTable
        rows={tokens}
        rowKey={(t) => t.id}
        caption="Integration tokens"
        testId="integration-tokens"
        rowTestId="integration-token-row"
        empty="No integration has a token yet."
        columns={[
          { key: "name", header: "System", cell: (t) => <span className="font-medium text-zinc-900">{t.name}</span> },
          { key: "token", header: "Token", cell: (t) => <code className="font-mono text-xs">{t.tokenPrefix}…</code> },
          { key: "created", header: "Created", cell: (t) => `${formatDateTime(new Date(t.createdAt))} by ${t.createdByLabel}` },
          { key: "used", header: "Last used", cell: (t) => (t.lastUsedAt ? formatDateTime(new Date(t.lastUsedAt)) : "never") },
          {
            key: "state",
            header: "State",
            cell: (t) =>
              t.revokedAt ? (
                <span title={`by ${t.revokedByLabel ?? "unknown"}`}>
                  <Badge tone="neutral">Revoked {formatDateTime(new Date(t.revokedAt))}</Badge>
                </span>
              ) : (
                <Badge tone="success">Active</Badge>
              ),
          },
          {
            key: "actions",
            header: <span className="sr-only">Actions</span>,
            align: "right",
            cell: (t) =>
              t.revokedAt ? null : (
                <button
                  type="button"
                  className={secondaryButtonClass}
                  disabled={isPending}
                  onClick={() => {
                    if (!window.confirm(`Revoke the token of ${t.name}? Its next request will be refused.`)) return;
                    send(async () => {
                      const result = await revokeIntegrationTokenAction({ id: t.id });
                      setNotice(result.ok ? { tone: "success", text: result.data.message } : { tone: "error", text: result.message });
                      if (result.ok) router.refresh();
                    });
                  }}
                >
                  Revoke
                </button>
              ),
          },
        ]}
      />
    </div>
  );
}
