// The documented columns of the two files that come beside customers: journey events and contact
// permissions. Each row is checked and turned into a record; pure, no database.
import type { SourceRow } from "./source";

export type RecordCheck<R> = { ok: true; record: R } | { ok: false; reasons: string[] };

const MAX_ID_LENGTH = 64;
const MAX_TEXT = 2_000;

const quote = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
const fold = (v: string) => v.trim().toLowerCase();

function customerIdOf(row: SourceRow, reasons: string[]): string | null {
  const id = (row.fields.customerID ?? "").trim();
  if (id === "") reasons.push("customerID is blank");
  else if (id.length > MAX_ID_LENGTH) reasons.push(`customerID is longer than ${MAX_ID_LENGTH} characters`);
  else if (/[\u0000-\u001f\u007f]/.test(id)) reasons.push("customerID contains control characters");
  else return id;
  return null;
}

const TRUE_WORDS = new Set(["yes", "y", "true", "1"]);
const FALSE_WORDS = new Set(["no", "n", "false", "0"]);

function flag(row: SourceRow, column: string, reasons: string[]): boolean | null {
  const cell = row.fields[column] ?? "";
  if (TRUE_WORDS.has(fold(cell))) return true;
  if (FALSE_WORDS.has(fold(cell))) return false;
  reasons.push(cell.trim() === "" ? `${column} is blank` : `${column} ${quote(cell)} is not yes or no (also true/false, 1/0)`);
  return null;
}

// ---- Journey events -------------------------------------------------------------------------

export type EventRecord = { customerId: string; type: string; occurredAt: string; summary: string; attributes: Record<string, string | number> };

/** The event types a file may name, with the stored type each becomes. */
export const EVENT_TYPES: Record<string, { stored: string; label: string; requires?: readonly string[] }> = {
  usage: { stored: "usage", label: "Usage", requires: ["dataGb"] },
  bill: { stored: "billing", label: "Bill", requires: ["total"] },
  billing: { stored: "billing", label: "Bill", requires: ["total"] },
  payment: { stored: "payment", label: "Payment", requires: ["status"] },
  ticket: { stored: "complaint", label: "Ticket" },
  complaint: { stored: "complaint", label: "Complaint" },
  campaign_contact: { stored: "campaign_contact", label: "Campaign contact" },
  campaign_response: { stored: "campaign_contact", label: "Campaign response", requires: ["response"] },
  offer: { stored: "offer", label: "Offer" },
  call_transcript: { stored: "call_transcript", label: "Call" },
  chat_transcript: { stored: "chat_transcript", label: "Chat" },
  network_quality: { stored: "network_quality", label: "Network quality" },
  network_incident: { stored: "network_incident", label: "Network incident" },
  plan_change: { stored: "plan_change", label: "Plan change" },
  device: { stored: "device", label: "Device" },
  churn_score: { stored: "churn_score", label: "Churn score", requires: ["probability"] },
  web_click: { stored: "web_click", label: "Web visit", requires: ["page"] },
};

/** Columns an events file may have beyond customerID, type, occurredAt and summary, and what they hold. */
export const EVENT_ATTRIBUTE_COLUMNS: Record<string, "number" | "text"> = {
  dataGb: "number",
  allowanceGb: "number",
  total: "number",
  monthlyCharge: "number",
  additionalCharges: "number",
  additionalChargesReason: "text",
  status: "text",
  daysLate: "number",
  amount: "number",
  category: "text",
  note: "text",
  campaign: "text",
  channel: "text",
  response: "text",
  offerType: "text",
  outcome: "text",
  discountPct: "number",
  durationMonths: "number",
  probability: "number",
  quality: "text",
  rating: "number",
  downMbps: "number",
  latencyMs: "number",
  kind: "text",
  durationHours: "number",
  sentiment: "text",
  sentimentScore: "number",
  topic: "text",
  page: "text",
  fromPlan: "text",
  toPlan: "text",
  direction: "text",
  monthlyDelta: "number",
  model: "text",
  ageMonths: "number",
};

export const EVENT_REQUIRED_COLUMNS = ["customerID", "type", "occurredAt"] as const;
const EVENT_COLUMNS = new Set<string>([...EVENT_REQUIRED_COLUMNS, "summary", ...Object.keys(EVENT_ATTRIBUTE_COLUMNS)]);

/** A payment status the journey analysis understands. */
const PAYMENT_STATUSES = new Set(["paid", "late", "missed", "failed"]);

/** Why an events header cannot be read, or null. */
export function eventsHeaderProblem(columns: readonly string[]): string | null {
  const missing = EVENT_REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  const unknown = columns.filter((c) => !EVENT_COLUMNS.has(c));
  if (missing.length === 0 && unknown.length === 0) return null;
  const parts = [];
  if (missing.length > 0) parts.push(`the header lacks ${missing.length === 1 ? "column" : "columns"} ${missing.join(", ")}`);
  if (unknown.length > 0) parts.push(`${unknown.length === 1 ? "column" : "columns"} ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not among the events columns`);
  return `${parts.join("; ")} (see the README: customerID, type, occurredAt, summary, then attributes such as dataGb, total, status, response)`;
}

/** An ISO 8601 date (midnight UTC) or date and time with Z or an offset, as an ISO string; null if not one. */
export function isoTime(value: string): string | null {
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const at = new Date(`${text}T00:00:00Z`);
    return Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== text ? null : at.toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

/** Checks one events row; `now` bounds occurredAt (an event cannot have happened yet). */
export function mapEventRow(row: SourceRow, now: Date): RecordCheck<EventRecord> {
  const reasons: string[] = [];
  const customerId = customerIdOf(row, reasons);
  const typeText = row.fields.type ?? "";
  const type = EVENT_TYPES[fold(typeText)];
  if (!type) reasons.push(typeText.trim() === "" ? "type is blank" : `type ${quote(typeText)} is not one of ${Object.keys(EVENT_TYPES).join(", ")}`);
  const whenText = row.fields.occurredAt ?? "";
  const occurredAt = isoTime(whenText);
  if (occurredAt === null) reasons.push(whenText.trim() === "" ? "occurredAt is blank" : `occurredAt ${quote(whenText)} is not an ISO date (2026-03-01) or date and time with its offset (2026-03-01T10:00:00Z)`);
  else if (Date.parse(occurredAt) > now.getTime()) reasons.push(`occurredAt ${whenText.trim()} is in the future`);

  const attributes: Record<string, string | number> = {};
  for (const [column, kind] of Object.entries(EVENT_ATTRIBUTE_COLUMNS)) {
    const cell = (row.fields[column] ?? "").trim();
    if (cell === "") continue;
    if (cell.length > MAX_TEXT) {
      reasons.push(`${column} is longer than ${MAX_TEXT} characters`);
      continue;
    }
    if (kind === "number") {
      if (!/^-?\d+(\.\d+)?$/.test(cell)) reasons.push(`${column} ${quote(cell)} is not a number`);
      else attributes[column] = Number(cell);
    } else {
      attributes[column] = cell;
    }
  }
  for (const column of type?.requires ?? []) if (attributes[column] === undefined) reasons.push(`a ${fold(typeText)} event needs ${column}`);
  if (type?.stored === "payment" && typeof attributes.status === "string" && !PAYMENT_STATUSES.has(fold(attributes.status))) {
    reasons.push(`status ${quote(attributes.status)} is not one of paid, late, missed, failed`);
  }
  const summaryText = (row.fields.summary ?? "").trim();
  if (summaryText.length > MAX_TEXT) reasons.push(`summary is longer than ${MAX_TEXT} characters`);

  if (reasons.length > 0 || customerId === null || !type || occurredAt === null) return { ok: false, reasons };
  return { ok: true, record: { customerId, type: type.stored, occurredAt, summary: summaryText || type.label, attributes } };
}

// ---- Contact permissions --------------------------------------------------------------------

export type PermissionRecord = { customerId: string; channel: string; marketing: boolean; serviceUpdates: boolean; billing: boolean };

export const PERMISSION_COLUMNS = ["customerID", "channel", "marketing", "serviceUpdates", "billing"] as const;
export const PERMISSION_CHANNELS = ["email", "sms", "call", "push", "mail"] as const;

/** Why a permissions header cannot be read, or null. */
export function permissionsHeaderProblem(columns: readonly string[]): string | null {
  const missing = PERMISSION_COLUMNS.filter((c) => !columns.includes(c));
  const unknown = columns.filter((c) => !(PERMISSION_COLUMNS as readonly string[]).includes(c));
  if (missing.length === 0 && unknown.length === 0) return null;
  const parts = [];
  if (missing.length > 0) parts.push(`the header lacks ${missing.length === 1 ? "column" : "columns"} ${missing.join(", ")}`);
  if (unknown.length > 0) parts.push(`${unknown.length === 1 ? "column" : "columns"} ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not among the permissions columns`);
  return `${parts.join("; ")} (the columns are ${PERMISSION_COLUMNS.join(", ")})`;
}

export function mapPermissionRow(row: SourceRow): RecordCheck<PermissionRecord> {
  const reasons: string[] = [];
  const customerId = customerIdOf(row, reasons);
  const channelText = row.fields.channel ?? "";
  const channel = (PERMISSION_CHANNELS as readonly string[]).find((c) => c === fold(channelText)) ?? null;
  if (channel === null) reasons.push(channelText.trim() === "" ? "channel is blank" : `channel ${quote(channelText)} is not one of ${PERMISSION_CHANNELS.join(", ")}`);
  const marketing = flag(row, "marketing", reasons);
  const serviceUpdates = flag(row, "serviceUpdates", reasons);
  const billing = flag(row, "billing", reasons);
  if (reasons.length > 0 || customerId === null || channel === null || marketing === null || serviceUpdates === null || billing === null) return { ok: false, reasons };
  return { ok: true, record: { customerId, channel, marketing, serviceUpdates, billing } };
}
