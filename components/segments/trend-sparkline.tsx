/** A segment's size per day as a small line; one point shows as a dot. */
export function TrendSparkline({ points }: { points: { day: string; size: number }[] }) {
  if (points.length === 0) return <span className="text-zinc-400">—</span>;
  const width = 96;
  const height = 24;
  const max = Math.max(...points.map((p) => p.size), 1);
  const min = Math.min(...points.map((p) => p.size));
  const span = Math.max(1, max - min);
  const xy = points.map((p, i) => [points.length === 1 ? width / 2 : (i / (points.length - 1)) * (width - 4) + 2, height - 2 - ((p.size - min) / span) * (height - 4)] as const);
  const first = points[0]!;
  const last = points.at(-1)!;
  const label = points.length === 1 ? `${last.size} on ${last.day}` : `From ${first.size} on ${first.day} to ${last.size} on ${last.day}`;
  return (
    <svg width={width} height={height} role="img" aria-label={label} data-testid="segment-trend">
      <title>{label}</title>
      {xy.length === 1 ? (
        <circle cx={xy[0]![0]} cy={height / 2} r={2.5} className="fill-indigo-600" />
      ) : (
        <polyline points={xy.map(([x, y]) => `${x},${y}`).join(" ")} fill="none" strokeWidth={1.5} className="stroke-indigo-600" />
      )}
    </svg>
  );
}
