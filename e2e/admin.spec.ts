// Administrators manage users; managers edit the catalog; both changes land in the audit trail.
import { authStatePath } from "./fixtures/auth";
import { capture, expect, test } from "./fixtures/test";

test.describe("as the administrator", () => {
  test.use({ storageState: authStatePath("admin") });

  test("adds a user who can then sign in, changes their role, and finds both in the audit trail", async ({ page, browser, sql }) => {
    const email = `jo.${Date.now()}@example.test`;
    await page.goto("/users");
    await page.getByLabel("Name").fill("Jo Tester");
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByLabel(/First password/).fill("jo-tester-password");
    await page.getByRole("button", { name: "Add user" }).click();
    await expect(page.getByTestId("users-notice").first()).toHaveText("Jo Tester can now sign in as viewer.");
    const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
    await expect(row).toBeVisible();

    const other = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const theirs = await other.newPage();
    await theirs.goto("/sign-in");
    await theirs.getByLabel("Email address").fill(email);
    await theirs.getByLabel("Password").fill("jo-tester-password");
    await theirs.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(theirs.getByTestId("signed-in-role")).toHaveText("Viewer");

    await row.getByTestId("user-role").selectOption("marketer");
    await row.getByTestId("user-role-save").click();
    await expect(row.getByTestId("users-notice")).toHaveText("Jo Tester: changed role.");
    // The open session takes the new role on its next request.
    await theirs.goto("/review");
    await expect(theirs.getByTestId("signed-in-role")).toHaveText("Marketer");
    await other.close();

    const { rows } = await sql.query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [email]);
    await page.goto(`/audit?entity=User&id=${rows[0]!.id}`);
    await expect(page.getByTestId("audit-action")).toHaveText(["User changed", "Signed in", "User added"]);
    await expect(page.getByTestId("audit-row").first().getByTestId("audit-after")).toHaveText("marketer");
    await capture(page, "audit");

    await page.goto("/users");
    await row.getByTestId("user-rename").click();
    const rename = page.getByTestId("rename-dialog");
    await rename.getByLabel(/^Name/).fill("Jo Renamed");
    await rename.getByRole("button", { name: "Rename" }).click();
    await expect(row.getByTestId("users-notice")).toHaveText("Jo Renamed: changed name.");
    await expect(row).toContainText("Jo Renamed");
    await capture(page, "users");
  });
});

test.describe("as the manager", () => {
  test("edits a treatment's description and sees the change with its before and after", async ({ page }) => {
    await page.goto("/treatments");
    const card = page.locator('[data-testid="treatment-row"][data-treatment]').first();
    const key = await card.getAttribute("data-treatment");
    await card.getByTestId("treatment-edit").click();
    const dialog = page.getByTestId("treatment-dialog");
    await dialog.getByLabel("Description").fill("<b>bold</b>");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog.getByTestId("treatment-error")).toContainText("markup");
    const description = `Edited in a browser test ${Date.now()}`;
    await dialog.getByLabel("Description").fill(description);
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(card.getByTestId("treatment-notice")).toHaveText(/changed description/);
    await expect(card).toContainText(description);

    await page.goto(`/audit?action=treatment.update&id=${key}`);
    await expect(page.getByTestId("audit-row").first().getByTestId("audit-after")).toHaveText(description);
    await expect(page.getByTestId("audit-row").first().getByTestId("audit-actor")).toHaveText("Gareth Lloyd (manager)");
  });
});
