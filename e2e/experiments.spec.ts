import { capture, expect, test } from "./fixtures/test";

test.describe("experiments", () => {
  test("a manager starts an experiment of greedy against optimal allocation, sees it listed with its arms, and stops it after confirming", async ({ page, sql }) => {
    // Other specs run decisions at the same time: this experiment starts in the future so none of their runs is split by it.
    await sql.query(`UPDATE "Experiment" SET "stoppedAt" = now() WHERE key LIKE 'e2e-allocation-%' AND "stoppedAt" IS NULL`);
    const name = `E2E allocation ${Date.now()}`;
    const key = name.toLowerCase().replace(/ /g, "-");

    await page.goto("/experiments");
    await expect(page.getByRole("heading", { name: "Experiments", exact: true })).toBeVisible();
    const form = page.getByTestId("experiment-form");
    await form.getByLabel("Name", { exact: true }).fill(name);
    await form.getByLabel("Starts (UTC)").fill("2099-01-01");
    await form.locator("#arm-0-allocation").selectOption("greedy");
    await form.locator("#arm-1-allocation").selectOption("optimal");
    await form.locator("#arm-1-share").fill("60");
    await form.getByTestId("experiment-submit").click();
    await expect(form.getByTestId("experiment-arms-error")).toHaveText("The shares add up to 110%; they must add up to 100%");

    await form.locator("#arm-0-share").fill("40");
    await form.getByRole("button", { name: "Edit a treatment" }).nth(1).click();
    await form.locator("#arm-1-edit-0-effect").fill("20");
    await form.getByTestId("experiment-submit").click();
    await expect(form.getByTestId("experiment-form-message")).toHaveText(`Started ${name} (${key}).`);

    const card = page.locator(`[data-testid="experiment-card"][data-key="${key}"]`);
    await expect(card.getByTestId("experiment-status")).toHaveText("Scheduled");
    await expect(card.getByTestId("experiment-arm")).toHaveCount(2);
    await expect(card.getByTestId("experiment-arm").nth(0)).toContainText("greedy allocation");
    await expect(card.getByTestId("experiment-arm").nth(1)).toContainText("optimal allocation");
    await expect(card.getByTestId("experiment-arm").nth(1)).toContainText("20% effect");
    await expect(card.getByTestId("experiment-lift-link")).toHaveAttribute("href", `/evaluation#experiment-${key}`);
    await capture(page, "experiments-started");

    // The Evaluation screen words the same status with the same badge.
    await page.goto(`/evaluation#experiment-${key}`);
    const section = page.getByTestId(`experiment-${key}`);
    await expect(section.getByTestId("experiment-status")).toHaveText("Scheduled");
    await expect(section.getByTestId("experiment-period")).toHaveText("starts 1 Jan 2099");
    await page.getByTestId("evaluation-experiments").screenshot({ path: "test-results/screens/evaluation-experiments.png" });
    await page.goto("/experiments");

    await card.getByTestId("experiment-stop").click();
    const dialog = page.getByTestId("experiment-stop-dialog");
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Stop experiment" }).click();
    await expect(card.getByTestId("experiment-status")).toHaveText("Stopped");
    await expect(card.getByTestId("experiment-stop")).toHaveCount(0);
    await expect(card.getByTestId("experiment-period")).toContainText("before its start on 1 Jan 2099");
    const { rows } = await sql.query<{ action: string }>(`SELECT action FROM "AuditLog" WHERE "entityType" = 'Experiment' AND "entityId" = $1 ORDER BY id`, [key]);
    expect(rows.map((r) => r.action)).toEqual(["experiment.create", "experiment.stop"]);
  });
});
