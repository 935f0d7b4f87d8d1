import { expect, test } from "@playwright/test";
import { linkIn, waitForMail } from "./mailbox.ts";

test("staff invite a clinic user, who accepts the invitation and sees only their organisation", async ({ browser }, info) => {
  const email = `perawat.${info.project.name}.${Date.now()}@kliniksehatsentosa.co.id`;
  const staff = await browser.newContext({ locale: "id-ID" });
  const page = await staff.newPage();
  await page.goto("/staff/login");
  await page.getByLabel("E-mail").fill("admin@nusa-crm.id");
  await page.getByLabel("Kata sandi").fill("nusa-demo-2026");
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await page.getByRole("button", { name: "ID", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Dasbor" })).toBeVisible();
  await page.goto("/staff/partners");
  await page.getByRole("link", { name: "Klinik Sehat Sentosa" }).click();
  await page.getByLabel("Nama", { exact: true }).fill("Ns. Maria Ulfa");
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Bahasa e-mail").selectOption("id");
  await page.getByRole("button", { name: "Kirim undangan" }).click();
  await expect(page.getByText(`Undangan terkirim ke ${email}.`)).toBeVisible();
  await staff.close();

  const mail = await waitForMail(email, { subject: /Undangan ke portal mitra/ });
  const partner = await browser.newContext({ locale: "id-ID" });
  const p = await partner.newPage();
  await p.goto(linkIn(mail, "/partner/invitation"));
  await expect(p.getByRole("heading", { name: "Undangan portal mitra" })).toBeVisible();
  await expect(p.getByLabel("Nama lengkap")).toHaveValue("Ns. Maria Ulfa");
  await p.getByLabel("Kata sandi baru").fill("klinik sehat sentosa");
  await p.getByLabel("Ulangi kata sandi").fill("klinik sehat sentosa");
  await p.getByRole("button", { name: "Terima undangan" }).click();
  await expect(p.getByRole("heading", { name: "Klinik Sehat Sentosa" })).toBeVisible();
  await p.screenshot({ path: `test-results/screens/partner-org-${info.project.name}.png`, fullPage: true });
  await p.goto("/partner/users");
  await expect(p.getByRole("cell", { name: email })).toBeVisible();
  await expect(p.getByRole("cell", { name: "pemasok@contoh.id" })).toHaveCount(0);
  // the used invitation cannot be used again
  await p.goto(linkIn(mail, "/partner/invitation"));
  await expect(p.getByText("Undangan ini sudah dipakai atau kedaluwarsa.")).toBeVisible();
  await partner.close();
});
