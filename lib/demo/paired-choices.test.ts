import { describe, expect, test } from "vitest";
import { type DecisionValue, pairChoices } from "./paired-choices";

const decision = (over: Partial<DecisionValue> & { key: string }): DecisionValue => ({ treatmentKey: "", isTreated: false, valueGbp: 0, fates: [], ...over });
const worlds = (pairs: [DecisionValue, DecisionValue][]) => ({
  learned: new Map(pairs.map(([l], i) => [`d${i}`, l])),
  catalog: new Map(pairs.map(([, c], i) => [`d${i}`, c])),
});

describe("pairChoices", () => {
  test.each([
    {
      name: "the same choice in both worlds is a pair that does not differ",
      pairs: [[decision({ key: "a", treatmentKey: "sms", isTreated: true, valueGbp: 5 }), decision({ key: "a", treatmentKey: "sms", isTreated: true, valueGbp: 5 })]],
      expected: { pairs: 1, differing: 0, learnedGainGbp: 0, learnedLossGbp: 0, switches: [] },
    },
    {
      name: "a treatment ranked below in the learned world is a switch with its worth and why",
      pairs: [[
        decision({ key: "a", treatmentKey: "call", isTreated: true, valueGbp: 30.4, fates: [{ treatmentKey: "sms", fate: "alternative" }] }),
        decision({ key: "a", treatmentKey: "sms", isTreated: true, valueGbp: 10 }),
      ]],
      expected: { pairs: 1, differing: 1, learnedGainGbp: 20, learnedLossGbp: 0, switches: [{ catalog: "sms", learned: "call", count: 1, learnedGainGbp: 20, why: { "ranked below": 1 } }] },
    },
    {
      name: "an exclusion names its rule; a loss is counted apart from gains; held out and no action are labelled",
      pairs: [
        [decision({ key: "a", treatmentKey: "sms", isTreated: true, valueGbp: 2, fates: [{ treatmentKey: "call", fate: "excluded", rule: "capacity" }] }), decision({ key: "a", treatmentKey: "call", isTreated: true, valueGbp: 12 })],
        [decision({ key: "b", treatmentKey: "sms", isTreated: true, valueGbp: 3, fates: [{ treatmentKey: "call", fate: "excluded", rule: "capacity" }] }), decision({ key: "b", treatmentKey: "call", isTreated: true, valueGbp: 1 })],
        [decision({ key: "c", treatmentKey: "call", isTreated: false, fates: [{ treatmentKey: "call", fate: "chosen" }] }), decision({ key: "c", treatmentKey: "", isTreated: false })],
      ],
      expected: {
        pairs: 3,
        differing: 3,
        learnedGainGbp: 2,
        learnedLossGbp: 10,
        switches: [
          { catalog: "call", learned: "sms", count: 2, learnedGainGbp: -8, why: { "excluded: capacity": 2 } },
          { catalog: "no action", learned: "held out or not approved (call)", count: 1, learnedGainGbp: 0, why: { "not decided": 1 } },
        ],
      },
    },
    {
      name: "a decision with no partner in the other world is not paired",
      pairs: [],
      extraLearned: decision({ key: "z", treatmentKey: "sms", isTreated: true, valueGbp: 9 }),
      expected: { pairs: 0, differing: 0, learnedGainGbp: 0, learnedLossGbp: 0, switches: [] },
    },
  ] as { name: string; pairs: [DecisionValue, DecisionValue][]; extraLearned?: DecisionValue; expected: unknown }[])("$name", ({ pairs, extraLearned, expected }) => {
    const { learned, catalog } = worlds(pairs);
    if (extraLearned) learned.set("only-learned", extraLearned);
    expect(pairChoices(learned, catalog)).toEqual(expected);
  });

  test("switches come largest worth first, whichever way", () => {
    const { learned, catalog } = worlds([
      [decision({ key: "a", treatmentKey: "sms", isTreated: true, valueGbp: 1 }), decision({ key: "a", treatmentKey: "mail", isTreated: true, valueGbp: 0 })],
      [decision({ key: "b", treatmentKey: "call", isTreated: true, valueGbp: 0 }), decision({ key: "b", treatmentKey: "push", isTreated: true, valueGbp: 50 })],
    ]);
    expect(pairChoices(learned, catalog).switches.map((s) => `${s.catalog}→${s.learned}`)).toEqual(["push→call", "mail→sms"]);
  });
});
