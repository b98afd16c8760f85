import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { mappingLayout, telcoLayout } from "./layout";
import { MAPPING_DEFAULTS, REQUIRED_FIELDS, compileMapping, mappedColumns, parseMapping, type Mapping } from "./mapping";
import { parseMappingText } from "./mapping-file";
import type { SourceRow } from "./source";
import { mapTelcoRow, TELCO_COLUMNS } from "./telco";
import { STATE_CHURN_COLUMNS, stateRow } from "./testing/state-churn-rows";
import { telcoRow } from "./testing/telco-rows";

const examples = path.resolve(import.meta.dirname, "../../examples/mappings");
const example = (name: string): Mapping => {
  const checked = parseMappingText(readFileSync(path.join(examples, name), "utf8"));
  if (!checked.ok) throw new Error(checked.problems.join("; "));
  return checked.mapping;
};
const telcoMapping = example("telco-customer-churn.json");
const stateMapping = example("telecom-churn-by-state.json");

const rowOf = (fields: Record<string, string>, place = 2): [SourceRow, number] => [{ where: `line ${place}`, fields, raw: fields }, place];

const minimal = { name: "Minimal", customer: { id: { column: "id" }, tenureMonths: { column: "months" }, monthlyRevenue: { column: "charge" } } };

describe("parseMapping", () => {
  test.each([
    { title: "a mapping without id, tenure or monthly revenue is refused naming all three", value: { name: "Empty", customer: {} }, problem: "customer: says nothing of id, tenureMonths, monthlyRevenue, which have no default" },
    { title: "a mapping without monthly revenue is refused naming it", value: { name: "No money", customer: { id: { column: "id" }, tenureMonths: { column: "m" } } }, problem: "customer: says nothing of monthlyRevenue" },
    { title: "a field the customer model does not have is refused by name", value: { ...minimal, customer: { ...minimal.customer, colour: { value: "red" } } }, problem: "customer: Unrecognized key: \"colour\"" },
    { title: "a contract type outside the model's is refused", value: { ...minimal, customer: { ...minimal.customer, contractType: { value: "lifetime" } } }, problem: "customer.contractType" },
    { title: "a tenure unit other than days, months or years is refused", value: { ...minimal, customer: { ...minimal.customer, tenureMonths: { column: "t", unit: "weeks" } } }, problem: "customer.tenureMonths" },
    { title: "a mapping without a name is refused", value: { customer: minimal.customer }, problem: "name:" },
  ])("$title", ({ value, problem }) => {
    const checked = parseMapping(value);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.problems.join("\n")).toContain(problem);
  });

  test("names the fields without a default", () => {
    expect(REQUIRED_FIELDS).toEqual(["id", "tenureMonths", "monthlyRevenue"]);
  });

  test.each([
    ["telco-customer-churn.json", TELCO_COLUMNS.length],
    ["telecom-churn-by-state.json", 10],
  ])("the example %s is a mapping reading %i columns", (name, columns) => {
    expect(mappedColumns(example(name))).toHaveLength(columns);
  });

  test("not JSON is one problem saying so", () => {
    expect(parseMappingText("{ name: 1 }")).toMatchObject({ ok: false, problems: [expect.stringMatching(/^not JSON: /)] });
  });
});

describe("the Telco example mapping", () => {
  // The built-in layout and its mapping must agree: the example documents what the built-in does.
  test.each([
    ["the typical row", telcoRow("T-1")],
    ["a senior", telcoRow("T-2", { SeniorCitizen: "1", Partner: "Yes" })],
    ["a family by dependents", telcoRow("T-3", { Partner: "No", Dependents: "Yes" })],
    ["a single consumer on fibre and phone", telcoRow("T-4", { Partner: "No", InternetService: "Fiber optic", PhoneService: "Yes", MultipleLines: "Yes", MonthlyCharges: "99.65", TotalCharges: "820.5" })],
    ["phone only on a two-year contract", telcoRow("T-5", { InternetService: "No", PhoneService: "Yes", MultipleLines: "No", OnlineSecurity: "No internet service", OnlineBackup: "No internet service", DeviceProtection: "No internet service", TechSupport: "No internet service", StreamingTV: "No internet service", StreamingMovies: "No internet service", Contract: "Two year", tenure: "70" })],
    ["a new customer with blank TotalCharges", telcoRow("T-6", { tenure: "0", TotalCharges: " " })],
    ["words in another case", telcoRow("T-7", { Contract: "one YEAR", Churn: "yes", gender: "male" })],
    ["no services at all", telcoRow("T-8", { InternetService: "No", PhoneService: "No", OnlineSecurity: "No internet service", OnlineBackup: "No internet service", DeviceProtection: "No internet service", TechSupport: "No internet service", StreamingTV: "No internet service", StreamingMovies: "No internet service" })],
  ])("maps %s as the built-in layout does", (_title, row) => {
    const built = mapTelcoRow(rowOf(row)[0]);
    const mapped = compileMapping(telcoMapping).mapRow(...rowOf(row));
    expect(built.ok).toBe(true);
    expect(mapped).toEqual(built);
  });

  test.each([
    ["an unknown contract", telcoRow("U-1", { Contract: "Lifetime" }), "Contract \"Lifetime\" is not one of Month-to-month, One year, Two year"],
    ["a blank TotalCharges after 5 months", telcoRow("U-2", { tenure: "5", TotalCharges: "" }), "blank is accepted only for new customers"],
    ["an unknown payment method", telcoRow("U-3", { PaymentMethod: "Cash" }), "PaymentMethod \"Cash\" is not one of"],
    ["a tenure in words", telcoRow("U-4", { tenure: "ten" }), "tenure \"ten\" is not a whole number of months"],
    ["a charge that is not an amount", telcoRow("U-5", { MonthlyCharges: "£20" }), "MonthlyCharges \"£20\" is not an amount"],
  ])("refuses %s, as the built-in layout does", (_title, row, reason) => {
    expect(mapTelcoRow(rowOf(row)[0]).ok).toBe(false);
    const mapped = compileMapping(telcoMapping).mapRow(...rowOf(row));
    expect(mapped.ok).toBe(false);
    expect(!mapped.ok && mapped.reasons.join("; ")).toContain(reason);
  });
});

describe("the state-by-state example mapping", () => {
  const map = (changes: Parameters<typeof stateRow>[0] = {}, place = 2) => compileMapping(stateMapping).mapRow(...rowOf(stateRow(changes), place));

  test("maps the typical row with the documented defaults for what the file lacks", () => {
    expect(map()).toEqual({
      ok: true,
      customer: {
        id: "TC-2",
        name: "Customer TC-2 (KS, area 415)",
        segment: "consumer",
        plan: "Phone with voicemail",
        contractType: "unknown",
        // 128 days of account at 30.44 days a month.
        tenureMonths: 4,
        monthlyRevenue: "75.56",
        totalRevenue: null,
        valueTier: "high",
        region: "KS",
        language: MAPPING_DEFAULTS.language.value,
        churned: false,
        attributes: stateRow(),
      },
    });
  });

  test.each([
    { title: "both plans", changes: { "International plan": "yes", "Voice mail plan": "YES" }, plan: "Phone with international and voicemail" },
    { title: "the international plan alone", changes: { "International plan": "Yes", "Voice mail plan": "No" }, plan: "Phone with international calls" },
    { title: "neither plan", changes: { "Voice mail plan": "No" }, plan: "Phone" },
  ])("names the plan from $title", ({ changes, plan }) => {
    expect(map(changes)).toMatchObject({ ok: true, customer: { plan } });
  });

  test.each([
    { title: "True", churn: "True", churned: true },
    { title: "False", churn: "FALSE", churned: false },
    { title: "blank, as unknown", churn: "", churned: null },
  ])("reads Churn $title", ({ churn, churned }) => {
    expect(map({ Churn: churn })).toMatchObject({ ok: true, customer: { churned } });
  });

  test("makes the id from the line number, so another line is another customer", () => {
    expect(map({}, 17)).toMatchObject({ ok: true, customer: { id: "TC-17" } });
  });

  test.each([
    { title: "a churn word outside the vocabulary", changes: { Churn: "maybe" }, reason: 'Churn "maybe" is not one of 0, 1, True, False, Yes, No' },
    { title: "a blank charge", changes: { "Total eve charge": "" }, reason: "Total eve charge is blank" },
    { title: "an account length that is not a number", changes: { "Account length": "long" }, reason: 'Account length "long" is not a whole number of days' },
    { title: "a plan word outside the checks", changes: { "Voice mail plan": "perhaps" }, reason: 'Voice mail plan "perhaps" is not one of Yes, No' },
  ])("refuses $title, naming the column", ({ changes, reason }) => {
    const mapped = map(changes);
    expect(!mapped.ok && mapped.reasons).toContain(reason);
  });
});

describe("layouts' header checks", () => {
  test("without a mapping, a file in the other layout is refused naming the missing and the unknown columns", () => {
    const refusal = telcoLayout.headerProblem(STATE_CHURN_COLUMNS);
    expect(refusal).toContain(`the header lacks columns ${TELCO_COLUMNS.filter((c) => c !== "Churn").join(", ")}`);
    expect(refusal).toContain(`has columns the Telco layout does not know: ${STATE_CHURN_COLUMNS.filter((c) => c !== "Churn").join(", ")}`);
    expect(refusal).toContain("--mapping FILE");
  });

  test("with a mapping, a header lacking a column it reads is refused naming it", () => {
    const refusal = mappingLayout(stateMapping).headerProblem(STATE_CHURN_COLUMNS.filter((c) => c !== "Total intl charge"));
    expect(refusal).toMatch(/^the header lacks column Total intl charge, which the mapping "Telecom churn by state/);
  });

  test("with a mapping, columns it does not read are kept, not refused", () => {
    expect(mappingLayout(stateMapping).headerProblem([...STATE_CHURN_COLUMNS, "Phone number"])).toBeNull();
  });
});
