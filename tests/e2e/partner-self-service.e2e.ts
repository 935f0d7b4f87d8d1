// A referring clinic's administrator manages its own users (issue 15): invites a colleague, sees the
// invitation pending, deactivates the colleague, and the e-mailed link no longer lets them in. In
// Indonesian, on a phone and a desktop.
import { expect, test } from "@playwright/test";
import { linkIn, waitForMail } from "./mailbox.ts";

test.use({ locale: "id-ID" });

test("a clinic's administrator invites a colleague, then deactivates them before they accept", async ({ page, browser }, info) => {
  const email = `admisi.${info.project.name}.${Date.now()}@kliniksehatsentosa.co.id`;
  await page.goto("/partner/login");
  await page.getByLabel("E-mail").fill("klinik@contoh.id");
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(/\/partner$/);

  await page.goto("/partner/users");
  await expect(page.getByRole("heading", { level: 1, name: "Pengguna organisasi" })).toBeVisible();
  await page.getByLabel("Nama", { exact: true }).fill("Ns. Dina Arifin");
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Kirim undangan", exact: true }).click();
  await expect(page.getByText(`Undangan dikirim ke ${email}.`)).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row.getByText("Belum menerima undangan")).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await page.screenshot({ path: `test-results/screens/partner-users-${info.project.name}.png`, fullPage: true });
  const mail = await waitForMail(email, { subject: /Undangan ke portal mitra/ });

  await row.getByRole("button", { name: "Nonaktifkan" }).click();
  await expect(page.getByText("Ns. Dina Arifin dinonaktifkan dan sudah dikeluarkan dari portal.")).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: email }).getByText("Nonaktif", { exact: true })).toBeVisible();

  // the link in the e-mail no longer opens the portal
  const invitee = await browser.newContext({ locale: "id-ID" });
  const p = await invitee.newPage();
  await p.goto(linkIn(mail, "/partner/invitation"));
  await expect(p.getByText("Undangan ini sudah dipakai atau kedaluwarsa.")).toBeVisible();
  await invitee.close();
});
