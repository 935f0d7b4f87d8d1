import { expect, test, type Page } from "@playwright/test";

async function signInAsAdmin(page: Page) {
  await page.goto("/staff/login");
  await page.getByLabel("E-mail").fill("admin@nusa-crm.id");
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(/\/staff$/);
  // the admin's saved language may be either from an earlier test: make it Indonesian
  await page.getByRole("button", { name: "ID", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Dasbor" })).toBeVisible();
}

test("an admin sets a plugin's settings and the ticket SLA, with errors shown on the field and nothing lost", async ({ page }, info) => {
  await signInAsAdmin(page);

  await page.goto("/staff/settings/plugins");
  await page.getByRole("link", { name: /^Pengaturan Janji/ }).click();
  await expect(page).toHaveURL(/\/staff\/settings\/plugins\/hospital-appointments$/);
  const reminder = page.getByLabel("Jam pengingat (sehari sebelumnya, waktu cabang)");
  // a time is shown as Indonesian writes it, and taken with '.' or ':' (or the English way)
  await expect(reminder).toHaveValue("18.00");
  await reminder.fill("25:00");
  await page.getByRole("button", { name: "Simpan pengaturan" }).click();
  await expect(page.getByText("Beberapa isian belum benar")).toBeVisible();
  await expect(reminder).toHaveValue("25:00");
  await expect(reminder).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: `test-results/screens/plugin-settings-error-id-${info.project.name}.png`, fullPage: true });
  await reminder.fill("17:30");
  await page.getByRole("button", { name: "Simpan pengaturan" }).click();
  await expect(page.getByText("Pengaturan disimpan dan langsung berlaku.")).toBeVisible();
  await expect(reminder).toHaveValue("17.30");
  // back as it was for the other tests
  await reminder.fill("6:00 pm");
  await page.getByRole("button", { name: "Simpan pengaturan" }).click();
  await expect(reminder).toHaveValue("18.00");

  await page.goto("/staff/settings/tickets");
  const urgent = page.getByLabel("Prioritas Mendesak (jam)");
  const before = await urgent.inputValue();
  await urgent.fill("0");
  await page.getByRole("button", { name: "Simpan" }).click();
  await expect(urgent).toHaveAttribute("aria-invalid", "true");
  await urgent.fill("3");
  await page.getByRole("button", { name: "Simpan" }).click();
  await expect(page.getByText(/Pengaturan tiket disimpan/)).toBeVisible();
  await expect(urgent).toHaveValue("3");

  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Ticket settings" })).toBeVisible();
  await page.screenshot({ path: `test-results/screens/ticket-settings-en-${info.project.name}.png`, fullPage: true });
  await page.getByLabel("Urgent priority (hours)").fill(before);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText(/Ticket settings saved/)).toBeVisible();
  await page.getByRole("button", { name: "ID", exact: true }).click();
});
