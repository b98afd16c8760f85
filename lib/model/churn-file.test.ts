import { describe, expect, test } from "vitest";
import { ChurnFileError, parseChurnCsv } from "./churn-file";

const HEADER = "customerID,Contract,tenure,MonthlyCharges,InternetService,Churn";

describe("parseChurnCsv", () => {
  test("reads each row into a profile with every column kept as an attribute", () => {
    const [row] = parseChurnCsv(`${HEADER}\n7590-VHVEG,Month-to-month,1,29.85,DSL,No\n`);
    expect(row).toEqual({
      id: "7590-VHVEG",
      profile: { contractType: "Month-to-month", tenureMonths: 1, monthlyRevenue: 29.85, attributes: { customerID: "7590-VHVEG", Contract: "Month-to-month", tenure: "1", MonthlyCharges: "29.85", InternetService: "DSL", Churn: "No" } },
      churned: false,
    });
  });

  test.each([
    { title: "a file without rows", text: `${HEADER}\n`, message: /no rows/ },
    { title: "a file without the Churn column", text: "customerID,Contract,tenure,MonthlyCharges\nA,Month-to-month,1,20\n", message: /lacks the column Churn/ },
    { title: "a blank tenure, naming line 3", text: `${HEADER}\nA,Two year,5,20,DSL,Yes\nB,Two year,,20,DSL,No\n`, message: /Line 3: tenure/ },
    { title: "a churn flag that is neither yes nor no", text: `${HEADER}\nA,Two year,5,20,DSL,Maybe\n`, message: /Line 2: Churn "Maybe"/ },
  ])("refuses $title", ({ text, message }) => {
    expect(() => parseChurnCsv(text)).toThrow(ChurnFileError);
    expect(() => parseChurnCsv(text)).toThrow(message);
  });
});
