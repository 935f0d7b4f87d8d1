// The loyalty programme settings page, without JavaScript (plain forms): a refused form comes back
// with the typed values and a translated error; a campaign is added, shown and deleted. Checked in
// Indonesian and English; screenshots for review in test-results/screens/.
import { expect, test, type Page } from "@playwright/test";

test.use({ javaScriptEnabled: false });

async function signInAsAdmin(page: Page) {
  await page.goto("/staff");
  await expect(page).toHaveURL(/\/staff\/login/);
  await page.getByLabel("E-mail").fill("admin@nusa-crm.id");
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(/\/staff$/);
}

async function useLanguage(page: Page, code: "ID" | "EN") {
  await page.getByRole("button", { name: code, exact: true }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", code.toLowerCase());
}

test("a manager edits the loyalty programme without JavaScript, in Indonesian and English", async ({ page }, info) => {
  await signInAsAdmin(page);
  await useLanguage(page, "ID");
  await page.goto("/staff/loyalty");
  await page.getByRole("link", { name: "Pengaturan program" }).click();
  await expect(page.getByRole("heading", { name: "Pengaturan program loyalitas" })).toBeVisible();
  await expect(page.getByText("Perubahan berlaku untuk pembelian mulai sekarang.")).toBeVisible();
  // the demo campaigns and product multiplier are there
  await expect(page.getByText("Harbolnas poin ganda")).toBeVisible();
  await expect(page.locator('input[name="products[0].key"]')).toHaveValue("DAP-005");
  await page.screenshot({ path: `test-results/screens/loyalty-settings-id-${info.project.name}.png`, fullPage: true });

  // a bad earn rate is refused with a translated message, and what was typed stays
  await page.getByLabel("Rupiah belanja per poin").fill("12");
  await page.getByLabel("Keuntungan (Inggris)").first().fill("Typed benefit stays");
  await page.getByRole("button", { name: "Simpan perolehan dan tingkat" }).click();
  await expect(page.getByText("Masukkan bilangan bulat Rupiah dari 100 sampai 10.000.000.")).toBeVisible();
  await expect(page.getByLabel("Rupiah belanja per poin")).toHaveValue("12");
  await expect(page.getByLabel("Keuntungan (Inggris)").first()).toHaveValue("Typed benefit stays");
  await page.screenshot({ path: `test-results/screens/loyalty-settings-error-id-${info.project.name}.png`, fullPage: true });

  // the rate typed as staff write Rupiah is taken (the demo's own rate, so other specs are unchanged)
  await page.goto("/staff/loyalty-settings");
  await expect(page.getByLabel("Rupiah belanja per poin")).toHaveValue("10.000");
  await page.getByLabel("Rupiah belanja per poin").fill("Rp 10.000");
  await page.getByRole("button", { name: "Simpan perolehan dan tingkat" }).click();
  await expect(page).toHaveURL(/notice=saved/);
  await expect(page.getByLabel("Rupiah belanja per poin")).toHaveValue("10.000");

  // a campaign whose last day is before its first is refused, then saved once fixed
  const name = `Uji ${info.project.name} ${Date.now()}`;
  await page.goto("/staff/loyalty-settings");
  await page.getByLabel("Nama (Bahasa Indonesia)").fill(name);
  await page.getByLabel("Nama (Inggris)").fill(`Test ${name}`);
  await page.getByLabel("Hari pertama").fill("2030-03-10");
  await page.getByLabel("Hari terakhir").fill("2030-03-01");
  await page.getByLabel("Jenis hadiah").selectOption("bonus");
  await page.getByLabel("Nilai").fill("40");
  await page.getByRole("button", { name: "Simpan kampanye" }).click();
  await expect(page.getByText("Hari terakhir tidak boleh sebelum hari pertama.")).toBeVisible();
  await expect(page.getByLabel("Nama (Bahasa Indonesia)")).toHaveValue(name);
  await page.getByLabel("Hari terakhir").fill("2030-03-12");
  await page.getByRole("button", { name: "Simpan kampanye" }).click();
  await expect(page.getByText("Tersimpan. Aturan baru berlaku untuk pembelian mulai sekarang.")).toBeVisible();
  await expect(page.locator("strong", { hasText: name })).toBeVisible();

  await useLanguage(page, "EN");
  await page.goto("/staff/loyalty-settings");
  await expect(page.getByRole("heading", { name: "Loyalty programme settings" })).toBeVisible();
  await expect(page.getByText("Changes apply to purchases earned from now on.")).toBeVisible();
  await page.screenshot({ path: `test-results/screens/loyalty-settings-en-${info.project.name}.png`, fullPage: true });
  await page.getByRole("button", { name: `Delete campaign Test ${name}` }).click();
  await expect(page.getByText("Campaign deleted.")).toBeVisible();
  await expect(page.locator("strong", { hasText: name })).toHaveCount(0);
  await useLanguage(page, "ID");
});
