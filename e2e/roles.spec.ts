// Each demo account signs in from the sign-in page and sees the screens and buttons of its role.
import { demoUsers } from "../lib/auth/demo-users";
import type { Role } from "../lib/auth/roles";
import { capture, expect, test } from "./fixtures/test";

// These browsers start signed out: each signs in as its account.
test.use({ storageState: { cookies: [], origins: [] } });

type Expectation = { canReview: boolean; canRun: boolean; canManage: boolean; isAdmin: boolean; roleLabel: string };
const expectations: Record<Role, Expectation> = {
  viewer: { canReview: false, canRun: false, canManage: false, isAdmin: false, roleLabel: "Viewer" },
  marketer: { canReview: true, canRun: true, canManage: false, isAdmin: false, roleLabel: "Marketer" },
  manager: { canReview: true, canRun: true, canManage: true, isAdmin: false, roleLabel: "Manager" },
  admin: { canReview: true, canRun: true, canManage: true, isAdmin: true, roleLabel: "Administrator" },
};

for (const user of demoUsers) {
  const can = expectations[user.role];

  test(`the demo ${user.role} signs in and sees what the role may do`, async ({ page }) => {
    await page.goto("/sign-in");
    await expect(page.getByTestId("demo-accounts")).toBeVisible();
    if (user.role === "viewer") await capture(page, "sign-in");
    await page.getByRole("button", { name: `Sign in as ${user.name} (${can.roleLabel})` }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId("signed-in-role")).toHaveText(can.roleLabel);

    const nav = page.getByTestId("sidebar");
    await expect(nav.getByRole("link", { name: "Audit" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(can.isAdmin ? 1 : 0);
    await expect(nav.getByRole("link", { name: "Scenarios" })).toHaveCount(can.canRun ? 1 : 0);

    await page.goto("/review");
    await expect(page.getByTestId("review-row").first()).toBeVisible();
    await expect(page.getByTestId("row-approve")).toHaveCount(can.canReview ? await page.getByTestId("review-row").count() : 0);
    await expect(page.getByTestId("bulk-approve")).toHaveCount(can.canReview ? 1 : 0);
    await expect(page.getByTestId("review-read-only")).toHaveCount(can.canReview ? 0 : 1);
    await capture(page, `review-as-${user.role}`);

    await page.goto("/runs");
    await expect(page.getByTestId("start-run-form")).toHaveCount(can.canRun ? 1 : 0);

    await page.goto("/constraints");
    await expect(page.getByTestId("resource-gauge").first()).toBeVisible();
    await expect(page.getByTestId("edit-constraint")).toHaveCount(can.canManage ? await page.getByTestId("resource-gauge").count() : 0);
    await expect(page.getByTestId("reset-period")).toHaveCount(can.canManage ? await page.getByTestId("resource-gauge").count() : 0);

    await page.goto("/treatments");
    await expect(page.getByTestId("treatment-row").first()).toBeVisible();
    await expect(page.getByTestId("treatment-edit")).toHaveCount(can.canManage ? await page.getByTestId("treatment-row").count() : 0);

    await page.goto("/demo");
    await expect(page.getByTestId("demo-guide")).toBeVisible();
    await expect(page.getByTestId("reset-demo")).toHaveCount(can.canManage ? 1 : 0);
    await expect(page.getByTestId("reset-read-only")).toHaveCount(can.canManage ? 0 : 1);

    const users = await page.goto("/users");
    expect(users?.status()).toBe(can.isAdmin ? 200 : 404);
    if (can.isAdmin) {
      expect(await page.getByTestId("user-row").count()).toBeGreaterThanOrEqual(demoUsers.length);
      await capture(page, "users");
    }

    await page.goto("/audit");
    await expect(page.getByTestId("audit-table")).toBeVisible();

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto("/review");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Freview/);
  });
}

test("a page opened signed out returns to itself after sign-in", async ({ page }) => {
  await page.goto("/allocations?outcome=denied");
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await page.getByLabel("Email address").fill("marketer@demo.cvm");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toHaveText("The email address or the password is wrong.");
  await page.getByRole("button", { name: /Sign in as Amira Khan/ }).click();
  await expect(page).toHaveURL(/\/allocations\?outcome=denied$/);
});
