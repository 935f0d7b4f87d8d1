// Global search from any staff page (issue 15): the `/` key jumps into the box in the shell, a NIK
// finds the patient, and the results are plain links reached by keyboard; in Indonesian, on a phone
// and a desktop, with the box fitting the phone's header.
import { expect, test } from "@playwright/test";

test.use({ locale: "id-ID" });

test("global search: '/' on the dashboard, a demo patient's NIK, the results with the patient", async ({ page }, info) => {
  await page.goto("/staff/login");
  await page.getByLabel("E-mail").fill("manajer@nusa-crm.id");
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "id");

  const box = page.getByRole("searchbox", { name: "Cari kontak, struk, rujukan, tiket" });
  await expect(box).toBeVisible();
  // the box fits the header: no page wider than the screen
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  // `/` works once the page's JavaScript has loaded
  await expect(async () => {
    await page.locator("body").press("/");
    await expect(box).toBeFocused({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(box).toHaveValue("");
  await page.keyboard.type("3171011207840003");
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(/\/staff\/search\?q=3171011207840003$/);
  await expect(page.getByRole("heading", { level: 1, name: "Hasil untuk “3171011207840003”" })).toBeVisible();
  const contacts = page.getByRole("region", { name: /^Kontak/ });
  await expect(contacts.getByRole("heading", { name: "Kontak (1 hasil)" })).toBeVisible();
  const patient = contacts.getByRole("link", { name: "Budi Santoso" });
  await expect(patient).toBeVisible();
  await expect(contacts.getByRole("link", { name: "Lihat semua Kontak untuk “3171011207840003”" })).toHaveAttribute("href", "/staff/contacts?q=3171011207840003");
  await page.screenshot({ path: `test-results/screens/global-search-${info.project.name}.png`, fullPage: true });

  // by keyboard: Tab reaches the patient's link, Enter opens the contact
  await box.focus();
  for (let i = 0; i < 60 && !(await patient.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(patient).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/staff\/contacts\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "Budi Santoso" })).toBeVisible();
});

test("global search works without JavaScript as a plain form", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "id-ID" });
  const page = await context.newPage();
  try {
    await page.goto("/staff/login");
    await page.getByLabel("E-mail").fill("manajer@nusa-crm.id");
    await page.locator('input[name="password"]').fill("nusa-demo-2026");
    await page.locator('main form[method="post"] button[type="submit"]').last().click();
    await expect(page).toHaveURL(/\/staff$/);
    await page.getByRole("searchbox", { name: "Cari kontak, struk, rujukan, tiket" }).fill("budi santosa");
    await page.getByRole("button", { name: "Cari", exact: true }).first().click();
    await expect(page).toHaveURL(/\/staff\/search\?q=budi\+santosa$/);
    await expect(page.getByRole("region", { name: /^Kontak/ }).getByRole("link", { name: "Budi Santoso" }).first()).toBeVisible();
  } finally {
    await context.close();
  }
});
