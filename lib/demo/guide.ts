// The presenter's walk through the product: which screen to open, what to show and what to say.

export type GuideStep = {
  title: string;
  /** Where the step happens: a path of the app. */
  href: string;
  /** What to do on the screen. */
  show: string[];
  /** The point to make, in one or two sentences. */
  say: string;
};

export const DEMO_GUIDE: readonly GuideStep[] = [
  {
    title: "The overview",
    href: "/",
    show: [
      "The KPIs: customers, decisions waiting for review, approvals today and the value they are expected to add.",
      "The capacity gauges: each treatment draws on a limited daily resource.",
      "The charts: which treatments the agents chose lately, and what happened to each run's decisions.",
    ],
    say: "The desk decides, for every customer, the retention treatment that adds the most lifetime value, within what the customer allows and what the business can deliver today.",
  },
  {
    title: "A customer's journey",
    href: "/customers?risk=high&pending=yes",
    show: [
      "Filter to high churn risk with a pending recommendation, then open one customer.",
      "The journey timeline, the patterns the Journey agent found and the contact permissions per channel.",
      "The recommendation: treatment, rationale, confidence, the policy that decided it, and the agent trace.",
    ],
    say: "Every decision is explained and traceable: which agent said what, which options were ruled out, and why.",
  },
  {
    title: "Run the pipeline",
    href: "/runs",
    show: [
      "Start a run over a segment, for example 500 customers, with the deterministic policy.",
      "Watch the progress bar; the run carries on on the server even if this tab closes.",
      "Open the summary: outcomes, treatments, capacity fallbacks, failures with their reasons, expected value.",
    ],
    say: "Without an API key the deterministic policy decides, and says so; with one, the language model decides within the same checks.",
  },
  {
    title: "Review the decisions",
    href: "/review",
    show: [
      "Approve one recommendation, reject one with a reason, override one with another allowed treatment.",
      "Select several and approve them together.",
    ],
    say: "People stay in charge: approval confirms the capacity held for the customer, rejection gives it back.",
  },
  {
    title: "Steer capacity",
    href: "/constraints",
    show: [
      "The live gauges while a run holds capacity.",
      "Lower a limit, then look at the change log: who changed what, and when.",
    ],
    say: "Capacity is never over-committed, whatever runs, approvals and limit changes happen at the same time.",
  },
  {
    title: "Who got what",
    href: "/allocations",
    show: ["The allocation history: held, confirmed, released and denied attempts with their reasons and priorities."],
    say: "When capacity runs out the agents fall back to the next best treatment, and the history shows every step.",
  },
  {
    title: "The catalog, and back to the start",
    href: "/treatments",
    show: [
      "The treatments: channel, cost, goal, eligibility and the capacity each uses. No action is always allowed.",
      "Finish with Reset demo on the demo page, ready for the next audience.",
    ],
    say: "The catalog is the agents' whole menu: they can only pick what a customer is eligible for and permits.",
  },
];
