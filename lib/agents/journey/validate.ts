// Hand-written checks of journey messages. They run once per customer on every event, so they
// are plain type tests rather than a schema library; each answers the first problem found, or null.
import { eventTypes, valueTiers } from "../domain";

const EVENT_TYPES = new Set<string>(eventTypes);
const VALUE_TIERS = new Set<string>(valueTiers);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

export function profileProblem(value: unknown, path: string): string | null {
  if (!isObject(value)) return `${path} must be an object`;
  if (!isText(value.id) || value.id.trim() === "") return `${path}.id must be a non-empty string`;
  for (const key of ["name", "segment", "plan", "contractType", "region", "language"] as const) {
    if (!isText(value[key])) return `${path}.${key} must be a string`;
  }
  if (!isNumber(value.tenureMonths)) return `${path}.tenureMonths must be a finite number`;
  if (!isNumber(value.monthlyRevenue)) return `${path}.monthlyRevenue must be a finite number`;
  if (value.totalRevenue !== null && !isNumber(value.totalRevenue)) return `${path}.totalRevenue must be a number or null`;
  if (!isText(value.valueTier) || !VALUE_TIERS.has(value.valueTier)) return `${path}.valueTier must be one of ${valueTiers.join(", ")}`;
  if (value.source !== "seed" && value.source !== "import") return `${path}.source must be "seed" or "import"`;
  if (!isObject(value.attributes)) return `${path}.attributes must be an object`;
  return null;
}

function eventsProblem(value: unknown, path: string): string | null {
  if (!Array.isArray(value)) return `${path} must be an array`;
  for (let i = 0; i < value.length; i++) {
    const e: unknown = value[i];
    if (!isObject(e)) return `${path}[${i}] must be an object`;
    if (!isText(e.id)) return `${path}[${i}].id must be a string`;
    if (!isText(e.type) || !EVENT_TYPES.has(e.type)) return `${path}[${i}].type must be a known event type`;
    if (!isText(e.occurredAt) || !Number.isFinite(Date.parse(e.occurredAt))) return `${path}[${i}].occurredAt must be an ISO time`;
    if (!isText(e.summary)) return `${path}[${i}].summary must be a string`;
    if (!isObject(e.attributes)) return `${path}[${i}].attributes must be an object`;
  }
  return null;
}

export function customerDataProblem(value: unknown, path: string): string | null {
  if (!isObject(value)) return `${path} must be an object`;
  const profile = profileProblem(value.profile, `${path}.profile`);
  if (profile) return profile;
  const events = eventsProblem(value.events, `${path}.events`);
  if (events) return events;
  if (!Array.isArray(value.priorContacts)) return `${path}.priorContacts must be an array`;
  for (let i = 0; i < value.priorContacts.length; i++) {
    const c: unknown = value.priorContacts[i];
    if (!isObject(c) || !isText(c.treatmentKey) || !isText(c.status) || !isText(c.decidedAt)) {
      return `${path}.priorContacts[${i}] must have treatmentKey, status and decidedAt strings`;
    }
  }
  return null;
}

export function journeyProblem(value: unknown, path: string): string | null {
  if (!isObject(value)) return `${path} must be an object`;
  if (!isText(value.customerId) || value.customerId.trim() === "") return `${path}.customerId must be a non-empty string`;
  if (!Array.isArray(value.months)) return `${path}.months must be an array`;
  return eventsProblem(value.events, `${path}.events`);
}

export function analysisProblem(value: unknown, path: string): string | null {
  if (!isObject(value)) return `${path} must be an object`;
  if (!isText(value.customerId)) return `${path}.customerId must be a string`;
  if (!isText(value.asOf)) return `${path}.asOf must be an ISO time`;
  const m = value.metrics;
  if (!isObject(m)) return `${path}.metrics must be an object`;
  for (const key of ["churnRisk", "lifetimeValue", "tenureMonths", "monthlyRevenue", "complaintCount", "incidentCount", "latePayments", "missedPayments", "campaignContacts", "campaignResponses", "offersAccepted", "offersDeclined", "complaintsLast90Days", "incidentsLast90Days"] as const) {
    if (!isNumber(m[key])) return `${path}.metrics.${key} must be a finite number`;
  }
  if (!Array.isArray(value.patterns)) return `${path}.patterns must be an array`;
  for (let i = 0; i < value.patterns.length; i++) {
    const p: unknown = value.patterns[i];
    if (!isObject(p) || !isText(p.label) || !isText(p.severity) || !Array.isArray(p.evidence) || !p.evidence.every(isText)) {
      return `${path}.patterns[${i}] must have a label, a severity and evidence strings`;
    }
  }
  return null;
}

/** Null, or why `value` is not an ISO time. */
export function isoTimeProblem(value: unknown, path: string): string | null {
  return isText(value) && Number.isFinite(Date.parse(value)) ? null : `${path} must be an ISO time`;
}
