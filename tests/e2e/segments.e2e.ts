import { expect, test, type Page } from "@playwright/test";

async function signInAsMarketing(page: Page) {
  await page.goto("/staff/segments");
  await expect(page).toHaveURL(/\/staff\/login/);
  await page.getByLabel("E-mail").fill("marketing@nusa-crm.id");
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(/\/staff\/segments$/);
}

const shot = (name: string, project: string) => ({ path: `test-results/screens/segments-${name}-${project}.png`, fullPage: true });

test("marketing builds a segment without JavaScript, sees its live members and the demo loyalty segment", async ({ browser }, info) => {
  // no JavaScript: every builder step is a plain form post
  const context = await browser.newContext({ ...info.project.use, javaScriptEnabled: false, locale: "id-ID" });
  const page = await context.newPage();
  await signInAsMarketing(page);
  // the account's saved language may be English from an earlier test
  await page.getByRole("button", { name: "ID", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Segmen" })).toBeVisible();
  await page.getByRole("link", { name: "Member Gold tidak belanja 90 hari" }).click();
  await expect(page.getByText(/kontak cocok/)).toBeVisible();
  await page.screenshot(shot("demo-id", info.project.name));

  await page.goto("/staff/segments/new");
  await page.getByLabel("Nama", { exact: true }).fill(`Perempuan Bandung 25–45 ${info.project.name}`);
  await page.getByLabel("Kolom").selectOption("core.gender");
  await page.getByRole("button", { name: "Perbarui pilihan" }).click();
  await page.getByLabel("Nilai").selectOption("female");
  await page.getByRole("button", { name: "Tambah aturan" }).click();
  await page.locator('select[name="rule.1.field"]').selectOption("core.age");
  await page.getByRole("button", { name: "Perbarui pilihan" }).click();
  await page.locator('select[name="rule.1.op"]').selectOption("between");
  await page.getByRole("button", { name: "Perbarui pilihan" }).click();
  await page.locator('input[name="rule.1.values"]').first().fill("45");
  await page.locator('input[name="rule.1.values"]').nth(1).fill("25");
  await page.getByRole("button", { name: "Simpan segmen" }).click();
  // refused with a translated error, and what was entered is kept
  await expect(page.getByText("Angka kedua tidak boleh lebih kecil dari angka pertama.")).toBeVisible();
  await expect(page.locator('input[name="rule.1.values"]').first()).toHaveValue("45");
  await page.screenshot(shot("builder-error-id", info.project.name));
  await page.locator('input[name="rule.1.values"]').first().fill("25");
  await page.locator('input[name="rule.1.values"]').nth(1).fill("45");
  await page.getByRole("button", { name: "Tambah aturan" }).click();
  await page.locator('select[name="rule.2.field"]').selectOption("core.city");
  await page.getByRole("button", { name: "Perbarui pilihan" }).click();
  await page.locator('select[name="rule.2.values"]').selectOption("Bandung");
  await page.getByRole("button", { name: "Simpan segmen" }).click();
  await expect(page.getByText("Segmen tersimpan.")).toBeVisible();
  await expect(page.getByText(/kontak cocok/)).toBeVisible();
  await expect(page.getByRole("link", { name: "Ekspor CSV" })).toBeVisible();
  await expect(page.locator("body")).not.toContainText("returned an object");
  await page.screenshot(shot("view-id", info.project.name));
  await context.close();
});

test("the builder in English with JavaScript follows the chosen field at once", async ({ browser }, info) => {
  const context = await browser.newContext({ ...info.project.use, locale: "en-US" });
  const page = await context.newPage();
  await signInAsMarketing(page);
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Segments" })).toBeVisible();
  await page.getByRole("link", { name: "New segment" }).click();
  await page.getByLabel("Field").selectOption("retail-loyalty.tier");
  await expect(page.getByLabel("Condition")).toHaveValue("is");
  await page.getByLabel("Value").selectOption("gold");
  await page.getByRole("button", { name: "Add rule" }).click();
  await page.locator('select[name="rule.1.field"]').selectOption("retail-loyalty.spend12m");
  await expect(page.locator('select[name="rule.1.op"]')).toHaveValue("eq");
  await page.locator('select[name="rule.1.op"]').selectOption("gte");
  await page.locator('input[name="rule.1.values"]').fill("5.000.000");
  await page.getByLabel("Name", { exact: true }).fill(`Gold big spenders ${info.project.name}`);
  await page.screenshot(shot("builder-en", info.project.name));
  await page.getByRole("button", { name: "Save segment" }).click();
  await expect(page.getByText("Segment saved.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Export CSV" })).toBeVisible();
  await expect(page.getByText(/contacts? match/)).toBeVisible();
  await page.screenshot(shot("view-en", info.project.name));
  await page.getByRole("link", { name: "Send campaign" }).click();
  await expect(page).toHaveURL(/\/campaign$/);
  await expect(page.getByText(/of them agreed to marketing/)).toBeVisible();
  await page.getByRole("button", { name: "Send to this segment" }).click();
  await expect(page.getByText("This field is required.").first()).toBeVisible();
  await page.getByLabel("Title").fill("Weekend offer");
  await page.getByLabel("Message").fill("20% off for Gold members this weekend.");
  await page.getByRole("button", { name: "Send to this segment" }).click();
  await expect(page.getByText("Campaign started: its messages are being queued in batches.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Weekend offer" }).first()).toBeVisible();
  await page.screenshot(shot("campaign-en", info.project.name));
  await page.getByRole("button", { name: "ID", exact: true }).click();
  await context.close();
});
