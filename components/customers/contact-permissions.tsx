import { Channel } from "@/lib/generated/prisma/enums";
import type { ChannelPermission, ContactPreferenceView } from "@/lib/queries/customers";
import { Badge } from "../ui/badge";
import { DescriptionList } from "../ui/description-list";

// Channel names as people write them ("SMS", not "Sms").
const CHANNEL_LABELS: Record<Channel, string> = { email: "Email", sms: "SMS", call: "Call", push: "Push", mail: "Mail" };

function Allowed({ isAllowed }: { isAllowed: boolean }) {
  return isAllowed ? <Badge tone="success">Allowed</Badge> : <Badge tone="danger">Not allowed</Badge>;
}

function timeRange(start: string | null, end: string | null): string {
  return start && end ? `${start}–${end}` : "Not set";
}

type ContactPermissionsProps = {
  permissions: ChannelPermission[];
  hasPermissionRecord: boolean;
  preference: ContactPreferenceView | null;
};

export function ContactPermissions({ permissions, hasPermissionRecord, preference }: ContactPermissionsProps) {
  const byChannel = new Map(permissions.map((p) => [p.channel, p]));
  return (
    <div className="space-y-3" data-testid="customer-permissions">
      {hasPermissionRecord ? null : (
        <div role="status" className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="no-permission-notice">
          <strong className="font-semibold">No permission record: no marketing contact.</strong> This customer has not given consent on any
          channel, so only &ldquo;no action&rdquo; can be recommended.
        </div>
      )}
      {hasPermissionRecord ? (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm">
          <table className="min-w-full divide-y divide-zinc-200 text-sm" data-testid="permissions-table">
            <thead className="bg-zinc-50 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
              <tr>
                <th scope="col" className="px-3 py-2">Channel</th>
                <th scope="col" className="px-3 py-2">Marketing</th>
                <th scope="col" className="px-3 py-2">Service updates</th>
                <th scope="col" className="px-3 py-2">Billing</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {Object.values(Channel).map((channel) => {
                const p = byChannel.get(channel);
                return (
                  <tr key={channel} data-testid="permission-row">
                    <th scope="row" className="px-3 py-2 text-left font-medium text-zinc-900">
                      {CHANNEL_LABELS[channel]}
                    </th>
                    {p ? (
                      <>
                        <td className="px-3 py-2"><Allowed isAllowed={p.marketing} /></td>
                        <td className="px-3 py-2"><Allowed isAllowed={p.serviceUpdates} /></td>
                        <td className="px-3 py-2"><Allowed isAllowed={p.billing} /></td>
                      </>
                    ) : (
                      <td colSpan={3} className="px-3 py-2 text-zinc-500">
                        No record: no marketing contact on this channel
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="contact-preferences">
        {preference ? (
          <DescriptionList
            items={[
              { label: "Preferred language", value: preference.preferredLanguage },
              { label: "Contact window", value: timeRange(preference.contactWindowStart, preference.contactWindowEnd) },
              { label: "Do not disturb", value: timeRange(preference.dndStart, preference.dndEnd) },
              { label: "Time zone", value: preference.timeZone },
            ]}
          />
        ) : (
          <p className="text-sm text-zinc-600">No contact preferences recorded.</p>
        )}
      </div>
    </div>
  );
}
