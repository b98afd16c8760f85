import { defineConfig, devices } from "@playwright/test";
import { authStatePath } from "./e2e/fixtures/auth";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3107);

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  globalSetup: "./e2e/global-setup.ts",
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: "test-results/e2e",
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    // A failed test keeps its trace (every action with the page's DOM before and after it) but no
    // screencast: recording one for every test cost Chromium about a quarter of the suite's time
    // here (6.0 against 4.7 min for all the browser tests), and a failure still saves its screenshot.
    trace: { mode: "retain-on-failure", screenshots: false, snapshots: true, sources: true },
    // Signed in as the demo manager unless a spec says otherwise (e2e/roles.spec.ts signs in as each role).
    storageState: authStatePath("manager"),
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's Chromium; CHROMIUM_PATH points the tests at another build.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } } },
  ],
});
