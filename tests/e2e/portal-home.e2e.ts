// Portal homes that answer the first question (issue 15 item 3): the patient sees the next visit
// with its queue number and what to do, the shopper her points; each sees only the menus of what
// they use. Indonesian and English, phone and desktop; the home stays within the phone's width.
import { expect, test, type Page } from "@playwright/test";

async function signIn(page: Page, email: string) {
  await page.goto("/portal/login");
  await page.getByLabel("E-mail").fill(email);
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(/\/portal$/);
}

test.use({ locale: "id-ID" });

test("the patient's home shows the next visit; the shopper's shows her points", async ({ page, browser }, info) => {
  await signIn(page, "pasien@contoh.id");
  const visit = page.getByRole("region", { name: "Kunjungan berikutnya" });
  await expect(visit).toBeVisible();
  await expect(visit.getByText(/^Antrean \d+$/)).toBeVisible();
  await expect(visit.getByText(/^pukul \d{2}\.\d{2} WIB$/)).toBeVisible();
  await expect(visit.getByRole("link", { name: "Semua janji temu" })).toHaveAttribute("href", "/portal/appointments");
  const menu = page.getByRole("navigation", { name: "Navigasi utama" });
  await expect(menu.getByRole("link", { name: "Janji temu", exact: true })).toBeVisible();
  await expect(menu.getByRole("link", { name: "Poin saya" })).toHaveCount(0);
  await expect(menu.getByRole("link", { name: "Struk belanja" })).toHaveCount(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await page.screenshot({ path: `test-results/screens/portal-home-patient-id-${info.project.name}.png`, fullPage: true });

  await page.getByRole("button", { name: "EN", exact: true }).click();
  const nextVisit = page.getByRole("region", { name: "Next visit" });
  await expect(nextVisit.getByText(/^at \d{1,2}:\d{2} (am|pm) WIB$/)).toBeVisible();
  await page.getByRole("button", { name: "ID", exact: true }).click();
  await expect(visit).toBeVisible();

  const shopperContext = await browser.newContext({ locale: "id-ID", baseURL: new URL(page.url()).origin, viewport: page.viewportSize() });
  const shopper = await shopperContext.newPage();
  try {
    await signIn(shopper, "pelanggan@contoh.id");
    const points = shopper.getByRole("region", { name: "Poin Anda" });
    await expect(points.getByText(/^[\d.]+ poin$/)).toBeVisible();
    await expect(points.getByText("Tingkat Gold")).toBeVisible();
    await expect(points.getByRole("link", { name: "Lihat poin & tukar" })).toBeVisible();
    const shopperMenu = shopper.getByRole("navigation", { name: "Navigasi utama" });
    await expect(shopperMenu.getByRole("link", { name: "Poin saya" })).toBeVisible();
    await expect(shopperMenu.getByRole("link", { name: "Janji temu", exact: true })).toHaveCount(0);
    await shopper.screenshot({ path: `test-results/screens/portal-home-shopper-id-${info.project.name}.png`, fullPage: true });
  } finally {
    await shopperContext.close();
  }
});
