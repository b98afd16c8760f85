// The optimal plan. The allocation LP (one option or none per customer, each resource's units, the
// high-value reserve) has one row per customer, which makes it slow to solve whole at 100,000
// customers; its dual has only one price per resource row, so we minimise the dual function with
// cutting planes instead (each master LP a few dozen rows, solved by the LP port). Any prices give
// an upper bound on the LP optimum by weak duality; the best prices found give the bound we report.
import { type AllocationPlan, type PlanChoice, type PlanCustomer, type PlanResource, passedOverOf, roundMoney } from "./plan";
import type { LinearProgram, LpSolver } from "./ports";

/** Stop when the dual bound is within this share of the best model value (both bound the LP optimum). */
const DUAL_GAP = 1e-7;
const MAX_CUTS = 400;

/** The customers' options in flat arrays: the dual function is evaluated hundreds of times. */
type Flat = {
  start: Int32Array;
  value: Float64Array;
  units: Float64Array;
  resource: Int32Array;
  isHighValue: Uint8Array;
};

function flatten(customers: PlanCustomer[], index: Map<string, number>): Flat {
  const n = customers.length;
  let m = 0;
  for (const c of customers) m += c.options.length;
  const flat: Flat = { start: new Int32Array(n + 1), value: new Float64Array(m), units: new Float64Array(m), resource: new Int32Array(m), isHighValue: new Uint8Array(n) };
  let k = 0;
  customers.forEach((c, i) => {
    flat.start[i] = k;
    flat.isHighValue[i] = c.isHighValue ? 1 : 0;
    for (const o of c.options) {
      flat.value[k] = o.value;
      flat.units[k] = o.units;
      // An option on a resource the plan does not know cannot be held: it is left out below.
      flat.resource[k] = o.resourceKey === null ? -1 : (index.get(o.resourceKey) ?? -2);
      k++;
    }
  });
  flat.start[n] = k;
  return flat;
}

type Prices = { total: Float64Array; general: Float64Array };

/**
 * The customers whose best option can change with the prices, and what the others add to the dual
 * function whatever the prices: most customers have no option on a binding resource.
 */
type Subset = { customers: Int32Array; constant: number };

function everyone(flat: Flat): Subset {
  return { customers: Int32Array.from({ length: flat.isHighValue.length }, (_, i) => i), constant: 0 };
}

/** Price of option k for customer i: its units × (total price + general price unless high-value). */
function costOf(flat: Flat, prices: Prices, i: number, k: number): number {
  const r = flat.resource[k]!;
  if (r < 0) return 0;
  return flat.units[k]! * (prices.total[r]! + (flat.isHighValue[i] ? 0 : prices.general[r]!));
}

/**
 * The dual function D(p) = Σ p·capacity + Σ_customers max(0, max_options value − price), an upper
 * bound on the LP optimum for any p ≥ 0, with a subgradient (capacity − units the choices take).
 */
function evaluateDual(flat: Flat, caps: { total: number[]; general: number[] }, prices: Prices, only: Subset) {
  const R = caps.total.length;
  const usedTotal = new Float64Array(R);
  const usedGeneral = new Float64Array(R);
  let value = only.constant;
  for (let r = 0; r < R; r++) value += prices.total[r]! * caps.total[r]! + prices.general[r]! * caps.general[r]!;
  for (const i of only.customers) {
    let best = 0;
    let bestK = -1;
    for (let k = flat.start[i]!; k < flat.start[i + 1]!; k++) {
      if (flat.resource[k] === -2) continue;
      const net = flat.value[k]! - costOf(flat, prices, i, k);
      if (net > best) {
        best = net;
        bestK = k;
      }
    }
    value += best;
    const r = bestK >= 0 ? flat.resource[bestK]! : -1;
    if (r >= 0) {
      usedTotal[r]! += flat.units[bestK]!;
      if (!flat.isHighValue[i]) usedGeneral[r]! += flat.units[bestK]!;
    }
  }
  const gradTotal = caps.total.map((c, r) => c - usedTotal[r]!);
  const gradGeneral = caps.general.map((c, r) => c - usedGeneral[r]!);
  return { value, gradTotal, gradGeneral };
}

/**
 * Minimises the dual function by Kelley's cutting planes over the prices that can matter (a
 * resource whose every possible claim fits has price 0). Returns the best prices and their dual
 * value, an upper bound on the LP optimum within DUAL_GAP of it.
 */
async function priceResources(flat: Flat, resources: PlanResource[], solver: LpSolver): Promise<{ prices: Prices; upperBound: number }> {
  const R = resources.length;
  const caps = { total: resources.map((r) => r.available), general: resources.map((r) => r.available - r.reserveLeft) };
  const claimAll = new Float64Array(R);
  const claimGeneral = new Float64Array(R);
  const maxPrice = new Float64Array(R);
  const n = flat.isHighValue.length;
  for (let i = 0; i < n; i++) {
    const most = new Map<number, number>();
    for (let k = flat.start[i]!; k < flat.start[i + 1]!; k++) {
      const r = flat.resource[k]!;
      if (r < 0 || flat.value[k]! <= 0) continue;
      most.set(r, Math.max(most.get(r) ?? 0, flat.units[k]!));
      maxPrice[r] = Math.max(maxPrice[r]!, flat.value[k]! / flat.units[k]!);
    }
    for (const [r, u] of most) {
      claimAll[r]! += u;
      if (!flat.isHighValue[i]) claimGeneral[r]! += u;
    }
  }
  // Each priced row: [which price, resource index]; the rest stay at 0.
  const priced: { kind: "total" | "general"; r: number }[] = [];
  for (let r = 0; r < R; r++) {
    if (claimAll[r]! > caps.total[r]!) priced.push({ kind: "total", r });
    if (caps.general[r]! < caps.total[r]! && claimGeneral[r]! > caps.general[r]!) priced.push({ kind: "general", r });
  }
  const prices: Prices = { total: new Float64Array(R), general: new Float64Array(R) };
  if (priced.length === 0) return { prices, upperBound: evaluateDual(flat, caps, prices, everyone(flat)).value };
  const isPriced = (i: number, r: number) => priced.some((p) => p.r === r && (p.kind === "total" || !flat.isHighValue[i]));
  const active: number[] = [];
  let constant = 0;
  for (let i = 0; i < n; i++) {
    let fixed = 0;
    let isActive = false;
    for (let k = flat.start[i]!; k < flat.start[i + 1]!; k++) {
      const r = flat.resource[k]!;
      if (r === -2) continue;
      if (r >= 0 && isPriced(i, r)) isActive = true;
      else fixed = Math.max(fixed, flat.value[k]!);
    }
    if (isActive) active.push(i);
    else constant += fixed;
  }
  const subset: Subset = { customers: Int32Array.from(active), constant };
  let best = evaluateDual(flat, caps, prices, subset);
  let bestPrices: Prices = { total: prices.total.slice(), general: prices.general.slice() };
  const cuts: LinearProgram["rows"] = [];
  const columns: LinearProgram["columns"] = [
    { name: "theta", objective: -1, upper: best.value },
    ...priced.map((p, j) => ({ name: `p${j}`, objective: 0, upper: maxPrice[p.r]! })),
  ];
  let current = best;
  let point = prices;
  for (let iteration = 0; iteration < MAX_CUTS; iteration++) {
    // θ ≥ D(p_k) + g_k·(p − p_k), written g_k·p − θ ≤ g_k·p_k − D(p_k).
    const grad = priced.map((p) => (p.kind === "total" ? current.gradTotal[p.r]! : current.gradGeneral[p.r]!));
    const at = priced.map((p) => (p.kind === "total" ? point.total[p.r]! : point.general[p.r]!));
    const rhs = grad.reduce((s, g, j) => s + g * at[j]!, 0) - current.value;
    cuts.push({ name: `c${cuts.length}`, terms: [["theta", -1], ...grad.map((g, j): [string, number] => [`p${j}`, g])], upper: rhs });
    const master = await solver.solve({ columns, rows: cuts });
    const lowerBound = -master.objective;
    if (best.value - lowerBound <= DUAL_GAP * Math.max(1, Math.abs(best.value))) break;
    point = { total: new Float64Array(R), general: new Float64Array(R) };
    priced.forEach((p, j) => {
      const v = Math.max(0, master.primal.get(`p${j}`) ?? 0);
      if (p.kind === "total") point.total[p.r] = v;
      else point.general[p.r] = v;
    });
    current = evaluateDual(flat, caps, point, subset);
    if (current.value < best.value) {
      best = current;
      bestPrices = point;
    }
  }
  return { prices: bestPrices, upperBound: best.value };
}

/**
 * Prices each resource, gives each customer the option of highest value net of prices, holds in
 * descending net value while the limits and reserve allow, then lets leftover units go to the
 * largest gains. Every limit and reserve is kept exactly; `upperBound` is the LP optimum (± DUAL_GAP).
 */
export async function planOptimal(customers: PlanCustomer[], resources: PlanResource[], solver: LpSolver): Promise<AllocationPlan> {
  const index = new Map(resources.map((r, i) => [r.key, i]));
  const flat = flatten(customers, index);
  const { prices, upperBound } = await priceResources(flat, resources, solver);
  const R = resources.length;
  const n = customers.length;
  const leftTotal = resources.map((r) => r.available);
  const leftGeneral = resources.map((r) => r.available - r.reserveLeft);
  const fits = (i: number, k: number) => {
    const r = flat.resource[k]!;
    if (r === -2) return false;
    if (r < 0) return true;
    const u = flat.units[k]!;
    return leftTotal[r]! >= u && (flat.isHighValue[i] === 1 || leftGeneral[r]! >= u);
  };
  const take = (i: number, k: number, sign: 1 | -1) => {
    const r = flat.resource[k]!;
    if (r < 0) return;
    leftTotal[r]! -= sign * flat.units[k]!;
    if (!flat.isHighValue[i]) leftGeneral[r]! -= sign * flat.units[k]!;
  };
  const preferred = new Int32Array(n).fill(-1);
  const preferredNet = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let bestNet = 0;
    let bestValue = 0;
    for (let k = flat.start[i]!; k < flat.start[i + 1]!; k++) {
      if (flat.resource[k] === -2) continue;
      const net = flat.value[k]! - costOf(flat, prices, i, k);
      // At the prices the LP splits marginal customers; a tie goes to the higher value, holding settles it.
      const isBetter = net > bestNet + 1e-9 || (net >= bestNet - 1e-9 && flat.value[k]! > bestValue);
      if (isBetter && net >= -1e-9) {
        bestNet = Math.max(net, bestNet);
        bestValue = flat.value[k]!;
        preferred[i] = k;
      }
    }
    preferredNet[i] = bestNet;
  }
  const chosen = new Int32Array(n).fill(-1);
  const byNet = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => preferredNet[b]! - preferredNet[a]! || valueAt(flat, preferred[b]!) - valueAt(flat, preferred[a]!) || customers[b]!.priority - customers[a]!.priority || a - b,
  );
  for (const i of byNet) {
    const k = preferred[i]!;
    if (k >= 0 && fits(i, k)) {
      take(i, k, 1);
      chosen[i] = k;
    }
  }
  // Units the priced choices left idle (or refused at a tie) go to the largest gains over what each customer has.
  const upgrades: { i: number; k: number; gain: number }[] = [];
  for (let i = 0; i < n; i++) {
    const current = valueAt(flat, chosen[i]!);
    for (let k = flat.start[i]!; k < flat.start[i + 1]!; k++) {
      if (flat.value[k]! > current && flat.resource[k] !== -2) upgrades.push({ i, k, gain: flat.value[k]! - current });
    }
  }
  upgrades.sort((a, b) => b.gain - a.gain || a.i - b.i);
  for (const { i, k } of upgrades) {
    const was = chosen[i]!;
    if (flat.value[k]! <= valueAt(flat, was)) continue;
    if (was >= 0) take(i, was, -1);
    if (fits(i, k)) {
      take(i, k, 1);
      chosen[i] = k;
    } else if (was >= 0) take(i, was, 1);
  }
  const choices = new Map<string, PlanChoice>();
  const used: Record<string, number> = Object.fromEntries(resources.map((r) => [r.key, 0]));
  let totalValue = 0;
  customers.forEach((c, i) => {
    const k = chosen[i]!;
    const option = k >= 0 ? c.options[k - flat.start[i]!]! : null;
    const value = option?.value ?? 0;
    totalValue += value;
    if (option?.resourceKey) used[option.resourceKey]! += option.units;
    choices.set(c.customerId, { treatmentKey: option?.treatmentKey ?? null, value, passedOver: passedOverOf(c, value, option?.treatmentKey ?? null) });
  });
  // Regular customers first: decideHold lets a high-value customer take the general pool before the
  // reserve, so holding them first could leave a regular customer's planned unit in the reserve.
  const order = customers
    .map((c, i) => ({ c, i }))
    .sort((a, b) => Number(a.c.isHighValue) - Number(b.c.isHighValue) || b.c.priority - a.c.priority || a.i - b.i)
    .map((x) => x.c.customerId);
  const priceOf = (r: number, isHighValue: boolean) => roundMoney(prices.total[r]! + (isHighValue ? 0 : prices.general[r]!));
  const keys = resources.map((r) => r.key);
  return {
    strategy: "optimal",
    choices,
    totalValue: roundMoney(totalValue),
    upperBound: Math.max(roundMoney(upperBound), roundMoney(totalValue)),
    prices: Object.fromEntries(keys.slice(0, R).map((key, r) => [key, priceOf(r, false)])),
    highValuePrices: Object.fromEntries(keys.map((key, r) => [key, priceOf(r, true)])),
    used,
    order,
  };
}

function valueAt(flat: Flat, k: number): number {
  return k >= 0 ? flat.value[k]! : 0;
}

/** The whole allocation LP, one column per customer option; solved directly only to check the dual method on small cases. */
export function allocationLinearProgram(customers: PlanCustomer[], resources: PlanResource[]): LinearProgram {
  const columns: LinearProgram["columns"] = [];
  const rows: LinearProgram["rows"] = [];
  const totalTerms = new Map<string, [string, number][]>(resources.map((r) => [r.key, []]));
  const generalTerms = new Map<string, [string, number][]>(resources.map((r) => [r.key, []]));
  customers.forEach((c, i) => {
    const own: [string, number][] = [];
    c.options.forEach((o, j) => {
      if (o.resourceKey !== null && !totalTerms.has(o.resourceKey)) return;
      const name = `x${i}_${j}`;
      columns.push({ name, objective: o.value, upper: 1 });
      own.push([name, 1]);
      if (o.resourceKey === null) return;
      totalTerms.get(o.resourceKey)!.push([name, o.units]);
      if (!c.isHighValue) generalTerms.get(o.resourceKey)!.push([name, o.units]);
    });
    if (own.length > 0) rows.push({ name: `one${i}`, terms: own, upper: 1 });
  });
  resources.forEach((r, j) => {
    rows.push({ name: `total${j}`, terms: totalTerms.get(r.key)!, upper: r.available });
    rows.push({ name: `general${j}`, terms: generalTerms.get(r.key)!, upper: r.available - r.reserveLeft });
  });
  return { columns, rows };
}
