import { expect, test } from "@playwright/test";
import { openStaffMenu } from "./staff-menu.ts";

test.use({ locale: "en-US" });

test("an admin switches to English, disables a plugin (its menu entry goes, its page answers 404, its data stays) and enables it again", async ({ page }, info) => {
  await page.goto("/staff/login");
  await page.getByLabel("E-mail").fill("admin@nusa-crm.id");
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(/\/staff$/);
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();

  const nav = page.getByRole("navigation", { name: "Main navigation" });
  await openStaffMenu(page);
  await expect(nav.getByRole("link", { name: "Referrals" })).toBeVisible();
  await page.goto("/staff/referrals");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const referralsBefore = await page.locator("table tbody tr").count();

  await page.goto("/staff/settings/plugins");
  await expect(page.getByRole("heading", { name: "Plugins" })).toBeVisible();
  // whatever happens below, the plugin is switched back on for the other tests
  test.info().annotations.push({ type: "cleanup", description: "re-enable hospital-referrals" });
  await page.getByRole("button", { name: "Disable Hospital referrals" }).click();
  await expect(page.getByText("Hospital referrals disabled. Its data is kept.")).toBeVisible();
  await page.screenshot({ path: `test-results/screens/plugins-disabled-${info.project.name}.png`, fullPage: true });
  await expect(nav.getByRole("link", { name: "Referrals" })).toHaveCount(0);

  const response = await page.goto("/staff/referrals");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();

  await page.goto("/staff/settings/plugins");
  await page.getByRole("button", { name: "Enable Hospital referrals" }).click();
  await expect(page.getByText("Hospital referrals enabled.")).toBeVisible();
  await openStaffMenu(page);
  await expect(nav.getByRole("link", { name: "Referrals" })).toBeVisible();
  const back = await page.goto("/staff/referrals");
  expect(back?.status()).toBe(200);
  await expect(page.locator("table tbody tr")).toHaveCount(referralsBefore);

  // leave the shared demo admin in Indonesian for the other tests
  await page.getByRole("button", { name: "ID", exact: true }).click();
});
