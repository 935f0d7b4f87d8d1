import { expect, test, type Page } from "@playwright/test";
import { openStaffMenu } from "./staff-menu.ts";

async function signInAsAdmin(page: Page) {
  await page.goto("/staff");
  await expect(page).toHaveURL(/\/staff\/login/);
  await page.getByLabel("E-mail").fill("admin@nusa-crm.id");
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(/\/staff$/);
}

test("a staff admin signs in, switches to English and back, and sees the live dashboard", async ({ page }, info) => {
  await signInAsAdmin(page);
  // the admin's saved language may be either from an earlier run: make it Indonesian first
  await page.getByRole("button", { name: "ID", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Dasbor" })).toBeVisible();
  await openStaffMenu(page);
  await expect(page.getByRole("navigation", { name: "Navigasi utama" }).getByRole("link", { name: "Kontak", exact: true })).toBeVisible();

  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.screenshot({ path: `test-results/screens/staff-dashboard-en-${info.project.name}.png`, fullPage: true });
  // no card (a long store name, an amount) makes the page wider than the screen
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);

  // remembered on the account: a fresh browser context after sign-in is still in English
  await page.goto("/staff/contacts");
  await expect(page.getByRole("heading", { name: "Contacts" })).toBeVisible();
  await page.locator("main").getByLabel("Search", { exact: true }).fill("Budi Santoso");
  await page.locator("main").getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.getByRole("cell", { name: /Budi Santoso/ }).first()).toBeVisible();

  await page.getByRole("button", { name: "ID", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Kontak" })).toBeVisible();
});

test("a signed-out visitor to /staff is sent to sign in, and a wrong password is refused in English", async ({ browser }) => {
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await page.goto("/staff/settings/users");
  await expect(page).toHaveURL(/\/staff\/login\?redirectTo=/);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.getByLabel("E-mail").fill("admin@nusa-crm.id");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong e-mail or password.")).toBeVisible();
  await context.close();
});

test("a page that answers 404 or 403 keeps the portal's menu, in Indonesian and English", async ({ browser }, info) => {
  const context = await browser.newContext({ locale: "id-ID" });
  const page = await context.newPage();
  // the language switch saves the choice on the account and reloads the page: wait for it to land
  // before navigating on, or the two navigations race
  const switchTo = async (language: "id" | "en") => {
    // a full-document POST and its redirect: wait until the page it lands on has loaded
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.getByRole("button", { name: language.toUpperCase(), exact: true }).click()]);
    await expect(page.locator("html")).toHaveAttribute("lang", language);
  };
  await page.goto("/staff/login");
  await page.getByLabel("E-mail").fill("kasir@nusa-crm.id");
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(/\/staff$/);
  await switchTo("id");

  // a contact that does not exist: 404 inside the shell, the menu still there
  const missing = await page.goto("/staff/contacts/00000000-0000-4000-8000-000000000000");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Halaman tidak ditemukan" })).toBeVisible();
  const menu = page.getByRole("navigation", { name: "Navigasi utama" });
  await expect(menu).toBeVisible();
  await expect(page.getByRole("link", { name: "Kembali ke beranda" })).toHaveAttribute("href", "/staff");

  // the cashier may not manage users: 403, with the menu to go on from
  const forbidden = await page.goto("/staff/settings/users");
  expect(forbidden?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Akses ditolak" })).toBeVisible();
  await expect(menu).toBeVisible();
  await page.screenshot({ path: `test-results/screens/staff-403-id-${info.project.name}.png`, fullPage: true });
  await openStaffMenu(page);
  await menu.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/staff/);

  // English, then back: other specs expect the demo cashier in Indonesian
  try {
    await switchTo("en");
    await page.goto("/staff/settings/users");
    await expect(page.getByRole("heading", { name: "Access denied" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main navigation" })).toBeVisible();
  } finally {
    await page.goto("/staff");
    await switchTo("id");
    await context.close();
  }
});
