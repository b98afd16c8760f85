// Display formatting in one place so every screen shows money, numbers and times the same way.
// Times are shown in UK time whatever the server's zone, because the business runs on it.
const TIME_ZONE = "Europe/London";

const money = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const integer = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat("en-GB", { style: "percent", maximumFractionDigits: 0 });
const date = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: TIME_ZONE });
const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: TIME_ZONE });

export function formatMoney(value: number): string {
  return money.format(value);
}

export function formatNumber(value: number): string {
  return integer.format(value);
}

const pluralRules = new Intl.PluralRules("en-GB");

/**
 * A count with its noun in the right number: `plural(1, "decision")` is "1 decision", `plural(302, "decision")`
 * "302 decisions". Nouns whose plural is not singular + "s" pass it: `plural(n, "entry", "entries")`.
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatNumber(count)} ${pluralRules.select(count) === "one" ? singular : pluralForm}`;
}

/** A fraction in [0, 1] as a whole percentage. */
export function formatPercent(fraction: number): string {
  return percent.format(fraction);
}

export function formatDate(value: Date): string {
  return date.format(value);
}

export function formatDateTime(value: Date | null): string {
  return value ? dateTime.format(value) : "—";
}

const runStart = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: TIME_ZONE });

/** A run named by when it started, "Run 6 Dec, 21:03" (UK time): people tell runs apart by their time, not their id. */
export function formatRunName(createdAt: Date): string {
  return `Run ${runStart.format(createdAt)}`;
}

/** `enum_value` → `Enum value`, for enum values shown as text. */
export function humanize(value: string): string {
  const words = value.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatTenure(months: number): string {
  if (months < 12) return `${months} mo`;
  const years = Math.floor(months / 12);
  const rest = months % 12;
  return rest === 0 ? `${years} yr` : `${years} yr ${rest} mo`;
}
