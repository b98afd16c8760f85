// The network as the customer met it: quality snapshots and incidents near them.
import { HOUR_MS } from "../context";
import type { Journey } from "./journey";

export type Quality = "poor" | "fair" | "good" | "excellent";
const qualityRanges: Record<Quality, { down: [number, number]; up: [number, number]; latency: [number, number]; loss: [number, number] }> = {
  excellent: { down: [80, 300], up: [15, 50], latency: [12, 25], loss: [0, 0.2] },
  good: { down: [30, 80], up: [8, 20], latency: [20, 40], loss: [0.1, 0.5] },
  fair: { down: [8, 30], up: [2, 8], latency: [40, 80], loss: [0.5, 2] },
  poor: { down: [0.5, 8], up: [0.2, 2], latency: [80, 250], loss: [2, 9] },
};

export function addNetworkQuality(j: Journey, quality: Quality, atMs: number): void {
  const r = qualityRanges[quality];
  const attributes = {
    quality,
    downMbps: j.rng.float(r.down[0], r.down[1], 1),
    upMbps: j.rng.float(r.up[0], r.up[1], 1),
    latencyMs: j.rng.int(r.latency[0], r.latency[1]),
    packetLossPct: j.rng.float(r.loss[0], r.loss[1], 2),
    technology: j.rng.chance(0.45) ? "5G" : "4G",
  };
  j.add(
    "network_quality",
    atMs,
    `Network ${quality}: ${attributes.downMbps} Mbps down, ${attributes.upMbps} up, ${attributes.latencyMs} ms, ${attributes.packetLossPct}% loss`,
    attributes,
  );
}

export function addIncident(j: Journey, atMs: number): void {
  const kind = j.rng.weighted<string>([["mast_outage", 35], ["congestion", 30], ["fibre_cut", 15], ["planned_maintenance", 20]]);
  const durationHours = j.rng.int(1, kind === "congestion" ? 6 : 72);
  const affectedServices = j.rng.pick([["data"], ["voice", "data"], ["voice", "sms", "data"]]);
  j.add("network_incident", atMs, `Network incident near the customer (${kind.replaceAll("_", " ")}, ${durationHours} h) in ${j.customer.region}`, {
    kind,
    region: j.customer.region,
    durationHours,
    affectedServices,
    isResolved: atMs + durationHours * HOUR_MS < j.anchorMs,
  });
}
