type MeterProps = {
  /** Units committed, held ones included. */
  used: number;
  /** Units of `used` that are only held, drawn lighter. */
  held?: number;
  limit: number;
  label: string;
};

/** A used-of-limit bar; turns amber from 80% and red when full. */
export function Meter({ used, held = 0, limit, label }: MeterProps) {
  const share = limit > 0 ? Math.min(1, used / limit) : 1;
  const heldShare = limit > 0 ? Math.min(share, held / limit) : 0;
  const colour = share >= 1 ? "bg-red-500" : share >= 0.8 ? "bg-amber-500" : "bg-indigo-600";
  return (
    <div
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={limit}
      aria-valuenow={used}
      className="relative h-2 w-full overflow-hidden rounded-full bg-zinc-200"
    >
      <div className={`absolute inset-y-0 left-0 ${colour}`} style={{ width: `${share * 100}%` }} />
      {heldShare > 0 ? (
        <div
          className={`absolute inset-y-0 ${colour} opacity-40`}
          style={{ left: `${(share - heldShare) * 100}%`, width: `${heldShare * 100}%` }}
        />
      ) : null}
    </div>
  );
}
