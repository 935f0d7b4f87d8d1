// The staff menu by area of work (issue 15 item 1): a sidebar beside the page on a desktop; on a
// phone folded behind "Menu", opened and closed by touch or keyboard, in Indonesian and English.
import { expect, test } from "@playwright/test";

test.use({ locale: "id-ID" });

test("the manager's menu: areas of work in a sidebar, or behind 'Menu' on a phone", async ({ page, isMobile }, info) => {
  await page.goto("/staff/login");
  await page.getByLabel("E-mail").fill("manajer@nusa-crm.id");
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(/\/staff$/);

  const menu = page.getByRole("navigation", { name: "Navigasi utama" });
  const toggle = menu.getByRole("button", { name: "Menu" });
  const hospital = menu.getByRole("list", { name: "Rumah sakit" });
  if (isMobile) {
    await expect(hospital).toBeHidden();
    await expect(async () => {
      await toggle.click();
      await expect(toggle).toHaveAttribute("aria-expanded", "true", { timeout: 500 });
    }).toPass({ timeout: 15_000 });
  } else {
    await expect(toggle).toBeHidden();
  }
  await expect(menu.getByText("Rumah sakit", { exact: true })).toBeVisible();
  await expect(hospital.getByRole("link", { name: "Janji temu" })).toBeVisible();
  await expect(menu.getByRole("list", { name: "Ritel" }).getByRole("link", { name: "Program loyalitas" })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await page.screenshot({ path: `test-results/screens/staff-menu-${info.project.name}.png`, fullPage: false });

  await menu.getByRole("link", { name: "Tiket" }).click();
  await expect(page).toHaveURL(/\/staff\/tickets$/);
  await expect(menu.getByRole("link", { name: "Tiket", includeHidden: true })).toHaveAttribute("aria-current", "page");
  if (isMobile) {
    // the menu folds away once a page is chosen; the keyboard opens it and Escape closes it
    await expect(hospital).toBeHidden();
    await toggle.focus();
    await page.keyboard.press(" ");
    await expect(hospital).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(hospital).toBeHidden();
  }

  await page.getByRole("button", { name: "EN", exact: true }).click();
  const english = page.getByRole("navigation", { name: "Main navigation" });
  if (isMobile) await english.getByRole("button", { name: "Menu" }).click();
  await expect(english.getByRole("list", { name: "Hospital" }).getByRole("link", { name: "Appointments" })).toBeVisible();
  await english.getByRole("link", { name: "Dashboard" }).click();
  await expect(page).toHaveURL(/\/staff$/);
  // back to Indonesian for the other specs
  await page.getByRole("button", { name: "ID", exact: true }).click();
  await expect(page.getByRole("navigation", { name: "Navigasi utama" })).toBeVisible();
});
