import { describe, expect, test } from "vitest";
import { profileRiskInputs } from "../agents/journey/risk";
import { valueTierFor } from "../agents/rules/value-tier";
import { mapTelcoRow, telcoPlanName, telcoSegment } from "./telco";
import type { CustomerRecord } from "./telco";
import { telcoRow } from "./testing/telco-rows";
import type { TelcoRow } from "./testing/telco-rows";

const where = "line 2";
const map = (changes: Partial<TelcoRow> = {}) => {
  const fields = telcoRow("0001-TEST", changes);
  return mapTelcoRow({ where, fields, raw: { ...fields } });
};
const customer = (changes: Partial<TelcoRow> = {}): CustomerRecord => {
  const result = map(changes);
  if (!result.ok) throw new Error(result.reasons.join("; "));
  return result.customer;
};
const reasons = (changes: Partial<TelcoRow>) => {
  const result = map(changes);
  return result.ok ? [] : result.reasons;
};

describe("mapTelcoRow", () => {
  test("maps the data set's first row onto a customer profile", () => {
    expect(customer()).toEqual({
      id: "0001-TEST",
      name: "Customer 0001-TEST",
      segment: "family",
      plan: "DSL broadband",
      contractType: "month_to_month",
      tenureMonths: 1,
      monthlyRevenue: "29.85",
      totalRevenue: "29.85",
      valueTier: "medium",
      region: "Unknown",
      language: "en",
      churned: false,
      attributes: expect.objectContaining({ customerID: "0001-TEST", Contract: "Month-to-month", PaymentMethod: "Electronic check" }),
    });
  });

  test.each([
    ["Month-to-month", "month_to_month"],
    ["One year", "one_year"],
    ["Two year", "two_year"],
    ["two YEAR", "two_year"],
  ])("contract %s becomes %s", (Contract, expected) => {
    expect(customer({ Contract }).contractType).toBe(expected);
  });

  test.each([
    [{ SeniorCitizen: "1", Partner: "Yes", Dependents: "Yes" }, "senior"],
    [{ SeniorCitizen: "0", Partner: "No", Dependents: "Yes" }, "family"],
    [{ SeniorCitizen: "0", Partner: "Yes", Dependents: "No" }, "family"],
    [{ SeniorCitizen: "0", Partner: "No", Dependents: "No" }, "consumer"],
  ] as const)("household %o is in segment %s", (changes, expected) => {
    expect(customer(changes).segment).toBe(expected);
  });

  test.each([
    [{ InternetService: "Fiber optic", PhoneService: "Yes", MultipleLines: "Yes" }, "Fibre broadband & phone"],
    [{ InternetService: "DSL", PhoneService: "Yes", MultipleLines: "No" }, "DSL broadband & phone"],
    [{ InternetService: "No", PhoneService: "Yes", MultipleLines: "No" }, "Phone only"],
  ] as const)("services %o make plan %s", (changes, expected) => {
    expect(customer(changes).plan).toBe(expected);
  });

  test.each([
    ["Yes", true],
    ["No", false],
    ["", null],
  ])("Churn %j reads as churned %s", (Churn, expected) => {
    expect(customer({ Churn }).churned).toBe(expected);
  });

  test("a blank TotalCharges (one space, as in the data set) is stored as null for a customer with tenure 0", () => {
    const c = customer({ tenure: "0", TotalCharges: " ", MonthlyCharges: "52.55" });
    expect(c.totalRevenue).toBeNull();
    expect(c.monthlyRevenue).toBe("52.55");
    expect(c.attributes.TotalCharges).toBe(" ");
  });

  test.each([
    ["73.34", "72", "premium"],
    ["73.33", "72", "high"],
    ["62.00", "0", "high"],
    ["61.99", "0", "medium"],
    ["24.00", "0", "medium"],
    ["23.99", "0", "low"],
  ])("MonthlyCharges %s with tenure %s is value tier %s (the seed's rule)", (MonthlyCharges, tenure, expected) => {
    const c = customer({ MonthlyCharges, tenure, TotalCharges: "100" });
    expect(c.valueTier).toBe(expected);
    expect(c.valueTier).toBe(valueTierFor(Number(MonthlyCharges), Number(tenure)));
  });

  test("keeps every column under its own name, so the churn-risk model scores the customer", () => {
    const c = customer({ InternetService: "Fiber optic", SeniorCitizen: "1", PaperlessBilling: "Yes", OnlineSecurity: "No", TechSupport: "No", Contract: "Two year" });
    const inputs = profileRiskInputs({ contractType: c.contractType, tenureMonths: c.tenureMonths, monthlyRevenue: Number(c.monthlyRevenue), attributes: c.attributes });
    expect(inputs).toMatchObject({ twoYear: 1, monthToMonth: 0, fiberInternet: 1, missingSupportService: 2, electronicCheck: 1, paperlessBilling: 1, seniorCitizen: 1 });
  });

  test.each([
    ["a non-numeric tenure", { tenure: "twelve" }, 'tenure "twelve" is not a whole number of months'],
    ["a negative tenure", { tenure: "-1" }, 'tenure "-1" is not a whole number of months'],
    ["a blank customerID", { customerID: " " }, "customerID is blank"],
    ["an unknown contract", { Contract: "Weekly" }, 'Contract "Weekly" is not one of Month-to-month, One year, Two year'],
    ["an unknown internet service", { InternetService: "Cable" }, 'InternetService "Cable" is not one of DSL, Fiber optic, No'],
    ["SeniorCitizen as 2", { SeniorCitizen: "2" }, 'SeniorCitizen "2" is not 0 or 1'],
    ["a non-numeric MonthlyCharges", { MonthlyCharges: "£29" }, 'MonthlyCharges "£29" is not an amount'],
    ["three decimals of money", { MonthlyCharges: "29.855" }, 'MonthlyCharges "29.855" is not an amount'],
    ["a blank TotalCharges after months of tenure", { tenure: "5", TotalCharges: "" }, "TotalCharges is blank but tenure is 5 months"],
    ["a Churn of Maybe", { Churn: "Maybe" }, 'Churn "Maybe" is not Yes or No'],
  ])("refuses %s", (_name, changes, reason) => {
    expect(reasons(changes)).toEqual([expect.stringContaining(reason)]);
  });

  test("lists every problem of a row, not just the first", () => {
    expect(reasons({ tenure: "x", Contract: "Weekly", gender: "" })).toHaveLength(3);
  });

  test("a JSON record missing fields names them", () => {
    const result = mapTelcoRow({ where: "record 1", fields: { customerID: "A" }, raw: { customerID: "A" } });
    expect(result).toEqual({ ok: false, reasons: [expect.stringMatching(/^missing fields gender, SeniorCitizen, .*Churn$/)] });
  });

  test("JSON booleans and numbers read like the data set's text", () => {
    const fields = telcoRow("J-1", { SeniorCitizen: "true", Partner: "false", Dependents: "false", tenure: "12", MonthlyCharges: "20", TotalCharges: "240.5" });
    const result = mapTelcoRow({ where: "record 1", fields, raw: { ...fields, SeniorCitizen: true, tenure: 12 } });
    expect(result.ok && result.customer).toMatchObject({ segment: "senior", tenureMonths: 12, monthlyRevenue: "20", totalRevenue: "240.5", attributes: { SeniorCitizen: true, tenure: 12 } });
  });
});

describe("plan and segment rules", () => {
  test("a customer with no service at all still gets a plan name", () => {
    expect(telcoPlanName("No", false)).toBe("No services");
  });
  test("senior outranks family", () => {
    expect(telcoSegment({ isSenior: true, hasPartner: true, hasDependents: true })).toBe("senior");
  });
});
