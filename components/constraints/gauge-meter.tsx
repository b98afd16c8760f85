import type { ResourceGauge } from "@/lib/queries/constraints";
import { formatNumber } from "../ui/format";
import { Meter } from "../ui/meter";

/** The spoken summary of a gauge: "SMS quota: 12 confirmed, 3 held of 50". */
function gaugeName(g: ResourceGauge): string {
  return `${g.name}: ${formatNumber(g.confirmed)} confirmed, ${formatNumber(g.held)} held of ${formatNumber(g.limit)}`;
}

/** A resource's meter (confirmed, held, reserve) with the same spoken name and value wherever it is shown. */
export function GaugeMeter({ gauge: g, size, testId }: { gauge: ResourceGauge; size?: "sm" | "lg"; testId: string }) {
  return (
    <Meter
      size={size}
      used={g.used}
      held={g.held}
      limit={g.limit}
      reserved={g.reservedHighValue}
      label={gaugeName(g)}
      valueText={`${formatNumber(g.used)} of ${formatNumber(g.limit)} committed, ${formatNumber(g.free)} free`}
      testId={testId}
    />
  );
}
