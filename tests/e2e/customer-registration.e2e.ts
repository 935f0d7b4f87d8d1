import { expect, test } from "@playwright/test";
import { linkIn, waitForMail } from "./mailbox.ts";

test.use({ locale: "id-ID" });

test("a patient registers in Indonesian, verifies the e-mail, signs in and corrects the profile", async ({ page }, info) => {
  const email = `rahmat.${info.project.name}.${Date.now()}@contoh.id`;
  await page.goto("/portal/register");
  await expect(page.locator("html")).toHaveAttribute("lang", "id");
  await expect(page.getByRole("heading", { name: "Daftar akun pasien & pelanggan" })).toBeVisible();

  // bad input: a clear Indonesian message, and what was typed stays. Until the page is hydrated the
  // form keeps the browser's own validation (a bubble, no text to find), so wait for Conform's noValidate
  await expect(page.locator("form", { has: page.getByRole("button", { name: "Daftar" }) })).toHaveAttribute("novalidate", "");
  await page.getByLabel("Nama lengkap").fill("Rahmat Hidayat");
  await page.getByLabel("E-mail").fill("rahmat@");
  await page.getByLabel("Nomor ponsel (opsional)").fill("0812 3456");
  await page.getByRole("button", { name: "Daftar" }).click();
  await expect(page.getByText("Masukkan alamat e-mail yang benar")).toBeVisible();
  await expect(page.getByText("Masukkan nomor ponsel Indonesia")).toBeVisible();
  await expect(page.getByLabel("Nama lengkap")).toHaveValue("Rahmat Hidayat");

  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Nomor ponsel (opsional)").fill("0812-3456-7801");
  await page.getByLabel("Kata sandi baru").fill("sandi rahmat yang panjang");
  await page.getByLabel("Ulangi kata sandi").fill("sandi rahmat yang panjang");
  await page.getByLabel(/Saya setuju data saya diproses/).check();
  await page.getByRole("button", { name: "Daftar" }).click();
  await expect(page.getByRole("heading", { name: "Periksa e-mail Anda" })).toBeVisible();
  await page.screenshot({ path: `test-results/screens/register-sent-${info.project.name}.png`, fullPage: true });

  const mail = await waitForMail(email, { subject: /Verifikasi e-mail/ });
  expect(mail.text).toContain("Halo Rahmat Hidayat");
  await page.goto(linkIn(mail, "/portal/verify"));
  await expect(page.getByText("E-mail Anda sudah diverifikasi. Silakan masuk.")).toBeVisible();

  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Kata sandi").fill("sandi rahmat yang panjang");
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page.getByRole("heading", { name: "Halo, Rahmat Hidayat" })).toBeVisible();

  await page.goto("/portal/profile");
  await expect(page.getByLabel("Nomor ponsel")).toHaveValue("0812-3456-7801");
  await page.getByLabel("Kota").fill("Bogor");
  await page.getByLabel("Alamat").fill("Jl. Pajajaran No. 10");
  await page.getByRole("button", { name: "Simpan" }).click();
  await expect(page.getByText("Profil Anda sudah diperbarui.")).toBeVisible();
  await page.screenshot({ path: `test-results/screens/profile-saved-${info.project.name}.png`, fullPage: true });
  await page.reload();
  await expect(page.getByLabel("Kota")).toHaveValue("Bogor");
});
