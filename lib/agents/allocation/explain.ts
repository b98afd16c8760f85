// What a customer's first choice lost to, in words: a better option not given because its unit is
// worth more to other customers today (its price), beside the option given and what that one costs.
import { type CapacityPrices, priceOf } from "./bid-price";
import type { PlanOption } from "./plan";

/** Whole pounds: prices and values are estimates, pence would claim a precision they lack. */
function pounds(value: number): string {
  const sign = value < 0 ? "-" : "";
  return `${sign}£${Math.round(Math.abs(value)).toLocaleString("en-GB")}`;
}

/** "a call slot" from "Call slots", "an early upgrade offer", else "a unit of SMS quota". */
export function unitPhrase(resourceName: string): string {
  const lower = /^[A-Z][a-z]/.test(resourceName) ? resourceName[0]!.toLowerCase() + resourceName.slice(1) : resourceName;
  const singular = /[^s]s$/.test(lower) ? lower.slice(0, -1) : null;
  if (!singular) return `a unit of ${lower}`;
  return `${/^[aeiou]/i.test(singular) ? "an" : "a"} ${singular}`;
}

export type LossNames = { treatments: Readonly<Record<string, string>>; resources: Readonly<Record<string, string>> };

/**
 * One clause per option ranked above the chosen one, then the chosen one: "Retention call: £176
 * net, but a call slot is worth £210 today; Retention SMS: £95 net and SMS quota is free". Empty
 * when the customer got their first choice.
 */
export function explainCapacityLoss(opts: { options: readonly PlanOption[]; chosenKey: string | null; isHighValue: boolean; prices: CapacityPrices; names: LossNames }): string {
  const { options, chosenKey, names } = opts;
  const chosenAt = chosenKey === null ? options.length : options.findIndex((o) => o.treatmentKey === chosenKey);
  if (chosenAt <= 0) return "";
  const nameOf = (o: PlanOption) => names.treatments[o.treatmentKey] ?? o.treatmentKey;
  const resourceOf = (o: PlanOption) => (o.resourceKey ? (names.resources[o.resourceKey] ?? o.resourceKey) : "");
  const clauses = options.slice(0, chosenAt).map((o) => {
    const price = priceOf(o, opts.prices, opts.isHighValue);
    if (!o.resourceKey) return `${nameOf(o)}: ${pounds(o.value)} net`;
    if (price > 0) return `${nameOf(o)}: ${pounds(o.value)} net, but ${o.units === 1 ? unitPhrase(resourceOf(o)) : `${o.units} units of ${resourceOf(o)}`} ${o.units === 1 ? "is" : "are"} worth ${pounds(price)} today`;
    return `${nameOf(o)}: ${pounds(o.value)} net, but ${resourceOf(o)} had no unit left`;
  });
  const chosen = chosenKey === null ? null : options[chosenAt]!;
  if (!chosen) clauses.push("no action: £0");
  else if (!chosen.resourceKey) clauses.push(`${nameOf(chosen)}: ${pounds(chosen.value)} net and needs no capacity`);
  else {
    const price = priceOf(chosen, opts.prices, opts.isHighValue);
    clauses.push(price > 0 ? `${nameOf(chosen)}: ${pounds(chosen.value)} net, more than the ${pounds(price)} its capacity is worth today` : `${nameOf(chosen)}: ${pounds(chosen.value)} net and ${resourceOf(chosen)} is free`);
  }
  return clauses.join("; ");
}

/**
 * Why bid-price control refused an option: "Retention call: a call slot is worth £169 today; its
 * gain over Retention SMS is £40". `unpricedBest` is the best option taking no priced unit, null for no action.
 */
export function explainPriceRefusal(opts: { option: PlanOption; gain: number; price: number; unpricedBest: PlanOption | null; names: LossNames }): string {
  const { option, names } = opts;
  const resource = option.resourceKey ? (names.resources[option.resourceKey] ?? option.resourceKey) : "";
  const units = option.units === 1 ? `${unitPhrase(resource)} is` : `${option.units} units of ${resource} are`;
  const over = opts.unpricedBest ? (names.treatments[opts.unpricedBest.treatmentKey] ?? opts.unpricedBest.treatmentKey) : "no action";
  return `${names.treatments[option.treatmentKey] ?? option.treatmentKey}: ${units} worth ${pounds(opts.price)} today; its gain over ${over} is ${pounds(opts.gain)}`;
}
