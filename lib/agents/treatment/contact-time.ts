// Wall-clock arithmetic in a customer's time zone: when a contact window is open, when
// do-not-disturb applies, and the first instant a contact may be made. Pure; Intl does the zones.

const MINUTES_PER_DAY = 24 * 60;

/** A daily interval in minutes after local midnight, [start, end); wraps midnight when end < start. */
export type ClockWindow = { start: number; end: number };

/** "HH:MM" (24-hour) → minutes after midnight in [0, 1440); null when malformed. */
export function parseClock(value: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value.trim());
  if (!match) return null;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Minutes after midnight → "HH:MM". */
export function formatClock(minutes: number): string {
  const m = ((minutes % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** True when `minute` of the local day lies in `window`; a window ending before it starts wraps midnight. */
export function isInWindow(minute: number, window: ClockWindow): boolean {
  if (window.start < window.end) return minute >= window.start && minute < window.end;
  return minute >= window.start || minute < window.end;
}

/** "09:00–17:00" for people. */
export function describeWindow(window: ClockWindow): string {
  return `${formatClock(window.start)}–${formatClock(window.end)}`;
}

type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; second: number };

// Building a DateTimeFormat costs far more than using one; a run touches few distinct zones.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  const formatter = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  formatters.set(timeZone, formatter);
  return formatter;
}

/** True when Intl knows `timeZone` (an IANA name such as "Europe/London"). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function localPartsFromIntl(instantMs: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

// Zone offsets change only on quarter-hour boundaries, so one Intl lookup per zone and quarter
// hour serves every instant inside it: a run asks about the same few zones and hours again and
// again, and Intl is by far the slowest step of a decision.
const QUARTER_HOUR_MS = 15 * 60 * 1000;
const MAX_CACHED_OFFSETS = 10_000;
const offsets = new Map<string, number>();

/** Local wall-clock time minus UTC at `instantMs` in `timeZone`, in milliseconds. */
function offsetAt(instantMs: number, timeZone: string): number {
  const bucket = Math.floor(instantMs / QUARTER_HOUR_MS);
  const key = `${timeZone}|${bucket}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  const start = bucket * QUARTER_HOUR_MS;
  const p = localPartsFromIntl(start, timeZone);
  const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - start;
  if (offsets.size >= MAX_CACHED_OFFSETS) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

function localParts(instantMs: number, timeZone: string): LocalParts {
  const local = new Date(Math.floor(instantMs / 1000) * 1000 + offsetAt(instantMs, timeZone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

/** Minutes after local midnight at `instantMs` in `timeZone`. */
export function localMinuteOfDay(instantMs: number, timeZone: string): number {
  const p = localParts(instantMs, timeZone);
  return p.hour * 60 + p.minute;
}

/** "2026-11-25 09:00" in `timeZone`. */
export function formatLocal(instantMs: number, timeZone: string): string {
  const p = localParts(instantMs, timeZone);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

function offsetMs(instantMs: number, timeZone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  const p = localParts(whole, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

// Two passes settle the offset on either side of a daylight-saving change; a wall time that does
// not exist (inside a spring-forward gap) lands an hour off, and callers re-check the local time.
function instantAtLocal(date: { year: number; month: number; day: number }, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
  const first = wall - offsetMs(wall, timeZone);
  return wall - offsetMs(first, timeZone);
}

/**
 * Earliest instant (epoch ms) ≥ `nowMs` whose local minute is inside `window` (when given) and
 * outside `dnd` (when given), in `timeZone`; null when no minute of the day qualifies.
 */
export function nextAllowedInstant(opts: { nowMs: number; timeZone: string; window: ClockWindow | null; dnd: ClockWindow | null }): number | null {
  const { nowMs, timeZone, window, dnd } = opts;
  const isAllowed = (instantMs: number) => {
    const minute = localMinuteOfDay(instantMs, timeZone);
    return (!window || isInWindow(minute, window)) && (!dnd || !isInWindow(minute, dnd));
  };
  if (isAllowed(nowMs)) return nowMs;
  // An allowed stretch can only begin where the contact window opens or do-not-disturb ends, so
  // those boundaries over the next few local days are the only candidates worth testing.
  const boundaries = [window?.start, dnd?.end].filter((m): m is number => m !== undefined);
  const today = localParts(nowMs, timeZone);
  const candidates: number[] = [];
  for (let dayOffset = 0; dayOffset <= 2; dayOffset += 1) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + dayOffset));
    const local = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
    for (const minute of boundaries) candidates.push(instantAtLocal(local, minute, timeZone));
  }
  const allowed = candidates.filter((c) => c > nowMs && isAllowed(c)).sort((a, b) => a - b);
  return allowed[0] ?? null;
}
