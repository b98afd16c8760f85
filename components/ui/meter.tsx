type MeterProps = {
  /** Units committed, held ones included. */
  used: number;
  /** Units of `used` that are only held, drawn lighter. */
  held?: number;
  limit: number;
  /** Units at the end of the bar kept for high-value customers, marked with a hatched zone. */
  reserved?: number;
  /** The accessible name, e.g. "SMS quota". */
  label: string;
  /** What a screen reader says for the value; defaults to "N of LIMIT". */
  valueText?: string;
  size?: "sm" | "lg";
  testId?: string;
};

/** The bar's colour class for `used` of `limit`: indigo, amber from 80%, red when full. */
export function meterColour(used: number, limit: number): string {
  const share = limit > 0 ? Math.min(1, used / limit) : 1;
  return share >= 1 ? "bg-red-500" : share >= 0.8 ? "bg-amber-500" : "bg-indigo-600";
}

const pct = (fraction: number) => `${Math.max(0, Math.min(1, fraction)) * 100}%`;

/** A used-of-limit bar; turns amber from 80% and red when full. Fixed height, so changing values never move the layout. */
export function Meter({ used, held = 0, limit, reserved = 0, label, valueText, size = "sm", testId }: MeterProps) {
  const share = limit > 0 ? Math.min(1, used / limit) : 1;
  const heldShare = limit > 0 ? Math.min(share, held / limit) : 0;
  const reservedShare = limit > 0 ? Math.min(1, reserved / limit) : 0;
  const colour = meterColour(used, limit);
  return (
    <div
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={limit}
      aria-valuenow={Math.min(used, limit)}
      aria-valuetext={valueText ?? `${used} of ${limit}`}
      data-testid={testId}
      className={`relative w-full overflow-hidden rounded-full bg-zinc-200 ${size === "lg" ? "h-3" : "h-2"}`}
    >
      {reservedShare > 0 ? (
        <div
          aria-hidden
          className="absolute inset-y-0 right-0 bg-[repeating-linear-gradient(135deg,rgb(161_161_170/0.55)_0,rgb(161_161_170/0.55)_2px,transparent_2px,transparent_5px)]"
          style={{ width: pct(reservedShare) }}
        />
      ) : null}
      <div aria-hidden className={`absolute inset-y-0 left-0 transition-[width] duration-300 ${colour}`} style={{ width: pct(share - heldShare) }} />
      {heldShare > 0 ? (
        <div
          aria-hidden
          className={`absolute inset-y-0 transition-[left,width] duration-300 ${colour} opacity-40`}
          style={{ left: pct(share - heldShare), width: pct(heldShare) }}
        />
      ) : null}
    </div>
  );
}
