// The churn model's scores along the story's risk trajectory, and the handset the customer uses.
import { DAY_MS, HOUR_MS } from "../context";
import { roundTo } from "../random";
import { storyProfiles } from "../stories";
import { devices } from "../vocabulary";
import { addMonthsUtc, type Journey } from "./journey";

/** Churn scores every four months (the model's re-scoring cycle), following the story's risk trajectory. */
export function addChurnScores(j: Journey): void {
  const { rng, customer } = j;
  const profile = storyProfiles[customer.story];
  const from = rng.float(profile.churnFrom[0], profile.churnFrom[1], 3);
  const to = rng.float(profile.churnTo[0], profile.churnTo[1], 3);
  const count = Math.floor((customer.historyMonths - 1) / 4) + 1;
  for (let i = 0; i < count; i++) {
    const monthsAgo = (count - 1 - i) * 4;
    const scoredAtMs = addMonthsUtc(j.anchorMs, -monthsAgo) - rng.int(1, 20) * DAY_MS + rng.int(1, 5) * HOUR_MS;
    const atMs = Math.max(j.windowStartMs + DAY_MS, scoredAtMs);
    const progress = count === 1 ? 1 : i / (count - 1);
    const probability = Math.min(0.99, Math.max(0.01, roundTo(from + (to - from) * progress ** profile.churnCurve + rng.float(-0.03, 0.03, 3), 3)));
    const riskFactors = probability < 0.2 ? [] : profile.riskFactors.slice(0, probability > 0.5 ? 2 : 1);
    const satisfaction = Math.min(10, Math.max(1, Math.round(9.5 - probability * 8 + rng.float(-1, 1, 1))));
    const lifetimeMonths = customer.tenureMonths - monthsAgo;
    j.add("churn_score", atMs, `Churn risk ${Math.round(probability * 100)}%${riskFactors.length > 0 ? ` (${riskFactors.join(", ").replaceAll("_", " ")})` : ""}, satisfaction ${satisfaction}/10`, {
      probability,
      riskFactors,
      lifetimeMonths,
      satisfaction,
    });
  }
}

export function addDevice(j: Journey): void {
  const { rng, customer } = j;
  const isUpgradeReady = customer.story === "device_upgrade_ready";
  const list = isUpgradeReady ? devices.old : customer.segment === "senior" && rng.chance(0.4) ? devices.senior : rng.chance(0.6) ? devices.recent : devices.ageing;
  const model = rng.pick(list);
  const ageMonths = isUpgradeReady ? rng.int(30, 54) : list === devices.ageing ? rng.int(18, 34) : rng.int(1, 20);
  j.add("device", j.recent(2), `Using ${model}, ${ageMonths} months old`, { model, ageMonths, os: model.startsWith("Apple") ? "iOS" : "Android" });
}

