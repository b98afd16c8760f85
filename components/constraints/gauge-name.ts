import type { ResourceGauge } from "@/lib/queries/constraints";
import { formatNumber } from "../ui/format";

/** The spoken summary of a gauge: "SMS quota: 12 confirmed, 3 held of 50". */
export function gaugeName(g: ResourceGauge): string {
  return `${g.name}: ${formatNumber(g.confirmed)} confirmed, ${formatNumber(g.held)} held of ${formatNumber(g.limit)}`;
}
