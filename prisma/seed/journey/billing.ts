// Month by month: usage, bills, payments (late or missed for late payers), and a plan change that
// moves the bill on the way.
import { DAY_MS, HOUR_MS } from "../context";
import { roundTo } from "../random";
import { plans } from "../vocabulary";
import type { Plan, PlanKey } from "../vocabulary";
import { addMonthsUtc, gbp, monthLabel, type Journey } from "./journey";

const cheaperPlan: Partial<Record<PlanKey, PlanKey>> = {
  simOnly50: "simOnly10",
  unlimitedLite: "simOnly50",
  unlimitedMax: "unlimitedLite",
  handsetUnlimited: "handset30",
  businessPro: "businessEssentials",
  youthFlex: "simOnly10",
  familyShare: "handset30",
};
const dearerPlan: Partial<Record<PlanKey, PlanKey>> = {
  simOnly10: "simOnly50",
  simOnly50: "unlimitedLite",
  unlimitedLite: "unlimitedMax",
  handset30: "handsetUnlimited",
  seniorTalk: "simOnly10",
  youthFlex: "simOnly50",
  businessEssentials: "businessPro",
};

/** Monthly usage and bills, payments, and any plan change that altered the bill on the way. */
export function addMonthly(j: Journey): void {
  const { rng, customer } = j;
  const { story, historyMonths: h } = customer;
  const plan: Plan = plans[customer.planKey];
  const anchor = new Date(j.anchorMs);
  const billingDay = customer.attributes.billingDay;
  let lastBillMs = Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth(), billingDay, 6);
  if (lastBillMs >= j.anchorMs) lastBillMs = addMonthsUtc(lastBillMs, -1);
  const billAt = (k: number) => addMonthsUtc(lastBillMs, -k);

  // A plan change k months ago: bills before it were on the old plan at the old price.
  const changeChance = story === "price_sensitive" ? 0.45 : story === "declining_usage" ? 0.3 : story === "upsell_candidate" ? 0.3 : 0.05;
  const isDowngrade = story === "price_sensitive" || story === "declining_usage" ? true : story === "upsell_candidate" ? false : rng.chance(0.5);
  const oldPlanKey = h > 2 && rng.chance(changeChance) ? (isDowngrade ? dearerPlan[customer.planKey] : cheaperPlan[customer.planKey]) : undefined;
  const changeK = rng.int(1, Math.max(1, h - 2));
  if (oldPlanKey) {
    const oldPlan: Plan = plans[oldPlanKey];
    const atMs = Math.max(j.windowStartMs, billAt(changeK) - rng.int(3, 20) * DAY_MS);
    const monthlyDelta = roundTo(plan.price - oldPlan.price, 2);
    const direction = monthlyDelta < 0 ? "downgrade" : "upgrade";
    j.add("plan_change", atMs, `Moved from ${oldPlan.name} to ${plan.name} (${direction}, ${monthlyDelta >= 0 ? "+" : "-"}${gbp(Math.abs(monthlyDelta))}/month)`, {
      fromPlan: oldPlan.name,
      toPlan: plan.name,
      direction,
      monthlyDelta,
    });
  }

  const allowance = plan.dataGb;
  const baseData = allowance === null ? rng.float(15, 70, 1) : allowance * rng.float(0.3, 0.75);
  const dataScale = customer.segment === "senior" ? 0.35 : 1;
  const baseVoice =
    customer.segment === "small_business" ? rng.int(600, 1500) : customer.segment === "senior" ? rng.int(150, 400) : customer.segment === "youth" ? rng.int(40, 200) : rng.int(100, 600);
  const baseSms = customer.segment === "youth" ? rng.int(20, 150) : customer.segment === "senior" ? rng.int(30, 200) : rng.int(10, 120);
  const isTraveller = rng.chance(0.2);
  const declineMonths = rng.int(3, 5);
  const declineFloor = rng.float(0.15, 0.4);
  const shockMonths = story === "bill_shock" ? rng.int(1, 2) : 0;
  const shockReason = rng.pick(["roaming outside the travel pass", "out-of-bundle data", "premium-rate calls and texts"]);

  const lateMonths = new Set<number>();
  const overdueMonths = new Set<number>();
  if (story === "late_payer") {
    const lateCount = Math.min(h - 1, rng.int(3, 5));
    while (lateMonths.size < lateCount) lateMonths.add(rng.int(1, h - 1));
    overdueMonths.add(0);
    if (rng.chance(0.4)) overdueMonths.add(1);
  } else if (rng.chance(0.04)) {
    lateMonths.add(rng.int(1, h - 1));
  }

  for (let k = h - 1; k >= 0; k--) {
    const billMs = billAt(k);
    let factor = rng.float(0.85, 1.15, 3);
    if (story === "declining_usage" && k < declineMonths) factor *= declineFloor + ((1 - declineFloor) * k) / declineMonths;
    const trend = story === "upsell_candidate" ? 0.75 + (0.35 * (h - 1 - k)) / Math.max(1, h - 1) : 1;
    const dataGb =
      story === "upsell_candidate" && allowance !== null
        ? roundTo(Math.min(allowance * 1.05, allowance * trend * factor), 1)
        : roundTo(baseData * dataScale * factor, 1);
    const voiceMinutes = Math.round(baseVoice * factor);
    const smsCount = Math.round(baseSms * rng.float(0.7, 1.3));
    const billMonth = new Date(billMs).getUTCMonth();
    const isShockMonth = k < shockMonths;
    const roamingGb =
      isShockMonth && shockReason.startsWith("roaming")
        ? rng.float(3, 9, 1)
        : isTraveller && billMonth >= 6 && billMonth <= 8 && rng.chance(0.6)
          ? rng.float(0.2, 3, 1)
          : 0;
    j.add("usage", billMs - 4 * HOUR_MS, `Used ${dataGb} GB data, ${voiceMinutes} min calls, ${smsCount} texts${roamingGb > 0 ? `, ${roamingGb} GB roaming` : ""}`, {
      period: monthLabel(billMs),
      dataGb,
      voiceMinutes,
      smsCount,
      roamingGb,
      ...(allowance === null ? {} : { allowanceGb: allowance }),
    });

    const billPlan: Plan = oldPlanKey && k > changeK ? plans[oldPlanKey] : plan;
    // Extra lines and add-ons stay the same across a plan change; only the plan's own price moves.
    const monthlyCharge = roundTo(billPlan.price + (customer.monthlyRevenue - plan.price), 2);
    const additionalCharges = isShockMonth
      ? rng.float(35, 160)
      : story === "upsell_candidate" && allowance !== null && dataGb >= allowance
        ? rng.float(3, 12)
        : rng.chance(0.3)
          ? rng.float(0.5, 8)
          : 0;
    const isRecent = billMs > j.anchorMs - 14 * DAY_MS;
    const paymentStatus = overdueMonths.has(k) && !isRecent ? "overdue" : isRecent ? "pending" : "paid";
    const total = roundTo(monthlyCharge + additionalCharges, 2);
    const extrasNote = additionalCharges > 0 ? ` + ${gbp(additionalCharges)} extras${isShockMonth ? ` (${shockReason})` : ""}` : "";
    j.add("billing", billMs, `Bill ${gbp(total)}: ${billPlan.name} ${gbp(monthlyCharge)}${extrasNote}, ${paymentStatus}`, {
      period: monthLabel(billMs),
      planName: billPlan.name,
      monthlyCharge,
      additionalCharges,
      ...(isShockMonth ? { additionalChargesReason: shockReason } : {}),
      total,
      paymentStatus,
    });

    const dueMs = billMs + 14 * DAY_MS;
    if (lateMonths.has(k)) {
      const daysLate = rng.int(3, 40);
      const paidMs = Math.min(j.anchorMs - HOUR_MS, dueMs + daysLate * DAY_MS);
      j.add("payment", paidMs, `Payment of ${gbp(total)} made ${daysLate} days late`, { status: "late", daysLate, amount: total, dueDate: new Date(dueMs).toISOString().slice(0, 10) });
    } else if (paymentStatus === "overdue" && dueMs < j.anchorMs) {
      const daysLate = Math.max(1, Math.floor((j.anchorMs - dueMs) / DAY_MS));
      j.add("payment", dueMs + 9 * HOUR_MS, `Direct debit of ${gbp(total)} failed: payment missed, now ${daysLate} days overdue`, {
        status: "missed",
        daysLate,
        amount: total,
        dueDate: new Date(dueMs).toISOString().slice(0, 10),
      });
    }
  }
}

