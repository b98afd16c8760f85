// The Import screen: a manager uploads a file in another layout, sees its first rows and the mapping
// its header suggests, edits the mapping in place, dry-runs, imports with live progress, and finds
// the batch, its customers and the audit entry. Viewers and marketers cannot import.
import { randomBytes } from "node:crypto";
import { STATE_CHURN_COLUMNS, stateChurnCsv, stateRow } from "../lib/import/testing/state-churn-rows";
import { authStatePath } from "./fixtures/auth";
import { capture, expect, test } from "./fixtures/test";

const MANAGER = "Gareth Lloyd (manager)";

test.describe("import as a manager", () => {
  test("upload, first rows, mapping edited in place, dry run, import with progress, batch, customers and audit entry", async ({ page, sql }) => {
    // Ids of this test's own, so a second run or a parallel spec never meets them.
    const prefix = `E2E${randomBytes(3).toString("hex").toUpperCase()}`;
    const csv = stateChurnCsv([
      stateRow(),
      stateRow({ State: "OH", "International plan": "Yes", "Voice mail plan": "No", Churn: "True" }),
      stateRow({ State: "NJ", "Total day charge": "lots" }),
      stateRow({ State: "CA", "Account length": "730" }),
    ]);

    await page.goto("/import");
    const panel = page.getByTestId("import-panel");
    await panel.getByLabel("File (CSV with a header row, or JSON)").setInputFiles({ name: "churn-by-state.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });

    const preview = panel.getByTestId("import-preview");
    await expect(preview.getByRole("columnheader")).toHaveText([...STATE_CHURN_COLUMNS]);
    await expect(preview.locator("tbody tr")).toHaveCount(4);
    await expect(preview.locator("tbody tr").nth(1)).toContainText("OH");

    const mappingChoice = panel.getByLabel("Mapping", { exact: true });
    await expect(mappingChoice.locator("option:checked")).toHaveText(/^Telecom churn by state/);
    const mappingText = panel.getByLabel(/^Mapping JSON/);
    const edited = (await mappingText.inputValue()).replace('"TC-{$row}"', `"${prefix}-{$row}"`);
    await mappingText.fill(edited);
    await expect(mappingChoice).toHaveValue("edited");
    await capture(page, "import-preview-and-mapping");

    await panel.getByRole("button", { name: "Dry run" }).click();
    const result = panel.getByTestId("import-result");
    await expect(result).toContainText("Dry run of 4 rows: would add 3 new customers, 0 updated; 1 row would be refused. Nothing was changed.");
    await expect(result.getByTestId("import-problems")).toContainText('line 4: Total day charge "lots" is not an amount');
    expect((await sql.query(`SELECT count(*)::int AS n FROM "Customer" WHERE id LIKE $1`, [`${prefix}-%`])).rows[0].n).toBe(0);
    await capture(page, "import-dry-run");

    // The progress view shows while the import works; a watcher in the page records what it said,
    // however fast a small file goes.
    await page.evaluate(() => {
      const w = window as unknown as { progressSeen: string[] };
      w.progressSeen = [];
      new MutationObserver(() => {
        const view = document.querySelector('[data-testid="import-progress"]');
        if (view?.querySelector('[role="progressbar"]')) w.progressSeen.push(view.textContent ?? "");
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await panel.getByLabel("Skip invalid rows (import the others)").check();
    await panel.getByRole("button", { name: "Import" }).click();
    await expect(result).toContainText("Imported 4 rows: 3 new customers, 0 updated; 1 row skipped.");
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((t) => /^(Reading: \d+ rows? so far…|Writing \d+ of \d+ customers?…)$/.test(t))).toBe(true);
    await capture(page, "import-done");

    // The batch, listed first, leads to its customers.
    await expect(page.getByTestId("import-batch-row").first()).toContainText("churn-by-state.csv");
    await expect(page.getByTestId("import-batch-row").first()).toContainText(MANAGER);
    await result.getByRole("link", { name: "See the batch" }).click();
    await expect(page.getByRole("heading", { name: "Import of churn-by-state.csv" })).toBeVisible();
    await expect(page.getByTestId("import-batch-notes")).toContainText('Read with the mapping "Telecom churn by state');
    const customers = page.getByTestId("import-batch-customers");
    await expect(customers.locator("tbody tr")).toHaveCount(3);
    await expect(customers).toContainText(`${prefix}-2`);
    await expect(customers).toContainText(`${prefix}-5`);
    await capture(page, "import-batch");
    const stored = await sql.query(`SELECT id, region, "contractType", segment FROM "Customer" WHERE id LIKE $1 ORDER BY id`, [`${prefix}-%`]);
    expect(stored.rows).toEqual([
      { id: `${prefix}-2`, region: "KS", contractType: "unknown", segment: "consumer" },
      { id: `${prefix}-3`, region: "OH", contractType: "unknown", segment: "consumer" },
      { id: `${prefix}-5`, region: "CA", contractType: "unknown", segment: "consumer" },
    ]);

    // The audit trail has the import, in the manager's name.
    const batchId = (await sql.query(`SELECT "importBatchId" AS id FROM "Customer" WHERE id = $1`, [`${prefix}-2`])).rows[0].id as string;
    await page.goto(`/audit?action=import.run&id=${batchId}`);
    const entry = page.getByRole("row").filter({ hasText: "Data imported" });
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText(MANAGER);
    await capture(page, "import-audit");
  });
});

for (const role of ["viewer", "marketer"] as const) {
  test.describe(`import as a ${role}`, () => {
    test.use({ storageState: authStatePath(role) });

    test(`a ${role} sees the batches but cannot import, on the screen or by hand`, async ({ page }) => {
      await page.goto("/import");
      await expect(page.getByTestId("import-read-only")).toHaveText("Only managers and administrators may import data. You can see what was imported below.");
      await expect(page.getByTestId("import-panel")).toHaveCount(0);
      await expect(page.getByTestId("import-batches")).toBeVisible();
      const upload = await page.request.post("/api/import/uploads?kind=customers", { headers: { "X-File-Name": "x.csv" }, data: "customerID\nA-1\n" });
      expect(upload.status()).toBe(403);
      expect(await upload.json()).toEqual({ message: "Only managers and administrators may import data." });
      const run = await page.request.post("/api/import/runs", {
        data: { uploadId: "00000000-0000-4000-8000-000000000000", kind: "customers", mapping: null, isDryRun: false, isSkipInvalid: false },
      });
      expect(run.status()).toBe(403);
    });
  });
}
