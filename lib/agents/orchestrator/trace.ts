// Traces of a customer's decision: each message an agent was sent and its answer, timed, with
// bulky payloads summarised so that a stored trace stays small enough to read and to keep.
import type { CustomerData, TreatmentDecision } from "../domain";
import type { Agent } from "../protocol";
import type { TraceStep } from "./messages";

const MAX_TRACE_STRING = 1500;
const MAX_TRACE_ITEMS = 25;
const MAX_TRACE_DEPTH = 5;

/** True when `compact` would change `value`; walks without allocating. */
function needsCompacting(value: unknown, depth: number): boolean {
  if (typeof value === "string") return value.length > MAX_TRACE_STRING;
  if (Array.isArray(value)) {
    if (depth > 0 && value.length > MAX_TRACE_ITEMS) return true;
    for (const v of value) if (needsCompacting(v, depth + 1)) return true;
    return false;
  }
  if (value && typeof value === "object") {
    if (depth > MAX_TRACE_DEPTH) return true;
    for (const k in value) if (needsCompacting((value as Record<string, unknown>)[k], depth + 1)) return true;
  }
  return false;
}

/**
 * Keeps traces small: long strings cut, big arrays counted, deep nesting elided. Values that need
 * none of it are returned as they are (responses are not changed after they are traced).
 */
function compact(value: unknown, depth = 0): unknown {
  if (!needsCompacting(value, depth)) return value;
  if (typeof value === "string") return `${value.slice(0, MAX_TRACE_STRING)}… (${value.length} chars)`;
  if (Array.isArray(value)) {
    if (depth > 0 && value.length > MAX_TRACE_ITEMS) return `(${value.length} items)`;
    return value.map((v) => compact(v, depth + 1));
  }
  if (value && typeof value === "object") {
    if (depth > MAX_TRACE_DEPTH) return "(…)";
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v, depth + 1)]));
  }
  return value;
}

function summariseMessage(message: { type: string } & Record<string, unknown>): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(message)) {
    if (k === "data") out[k] = `(data of customer ${(v as CustomerData).profile.id})`;
    else if (k === "journey") out[k] = `(journey of ${(v as { events: unknown[] }).events.length} events)`;
    else if (k === "analysis") out[k] = "(analysis above)";
    else if (k === "summary") out[k] = "(summary above)";
    else if (k === "customer" || k === "profile") out[k] = `(profile of ${(v as { id: string }).id}, in the data step)`;
    else if (k === "permissions") out[k] = "(permissions above)";
    else if (k === "previous") out[k] = `(previous decision: ${(v as TreatmentDecision).treatmentKey})`;
    else out[k] = compact(v);
  }
  return out;
}

function summariseResponse(response: unknown): unknown {
  const r = response as { ok: boolean; type: string; data?: Record<string, unknown> };
  if (!r.ok || !r.data) return response;
  if (r.type === "get_customer_data") {
    const d = r.data as unknown as CustomerData & { isFromCache: boolean };
    // Permissions are shown once, in the read_permissions step that follows.
    return { ok: true, data: { profile: d.profile, events: d.events.length, permissions: "(in the read_permissions step)", priorContacts: d.priorContacts.length, isFromCache: d.isFromCache } };
  }
  if (r.type === "build_journey") {
    const j = r.data as { events: unknown[]; months: unknown[]; duplicatesRemoved: number; firstEventAt: string | null; lastEventAt: string | null };
    return { ok: true, data: { events: j.events.length, months: j.months.length, duplicatesRemoved: j.duplicatesRemoved, firstEventAt: j.firstEventAt, lastEventAt: j.lastEventAt } };
  }
  return compact(response);
}

/** Milliseconds since `t0` (a `performance.now()` reading), to two decimals. */
export function elapsedMs(t0: number): number {
  return Math.round((performance.now() - t0) * 100) / 100;
}

/** Sends `message` to `agent`, timing it and appending a trace step. */
export async function traced<M extends { type: string }, R>(trace: TraceStep[], agent: Agent<M, R>, message: M, now: () => Date): Promise<R> {
  const startedAt = now();
  const t0 = performance.now();
  const response = await agent.process(message);
  trace.push({
    agent: agent.name,
    type: message.type,
    message: summariseMessage(message as M & Record<string, unknown>),
    response: summariseResponse(response),
    startedAt: startedAt.toISOString(),
    durationMs: elapsedMs(t0),
  });
  return response;
}
