// Hospital vertical end to end, in Indonesian: a patient books, is told, reschedules and cancels;
// a partner clinic refers a patient, the hospital accepts, schedules and refers back.
import { expect, test, type Page } from "@playwright/test";
import { waitForMail } from "./mailbox.ts";

test.use({ locale: "id-ID" });

const password = "nusa-demo-2026";

async function signIn(page: Page, portal: "portal" | "staff" | "partner", email: string) {
  await page.goto(`/${portal}/login`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Kata sandi").fill(password);
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** The visit card text the portal shows for a start time (same formatter as the server: id-ID, WIB). */
function shownAt(startAt: string) {
  const text = new Intl.DateTimeFormat("id-ID", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Jakarta" }).format(new Date(startAt));
  return `${text} WIB`;
}

/** Jakarta calendar date `days` from now, skipping Sundays (no clinic then). */
function jakartaDate(days: number) {
  const d = new Date(Date.now() + 7 * 3600_000 + days * 86_400_000);
  if (d.getUTCDay() === 0) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Picks Poli Penyakit Dalam in Jakarta, any doctor, on a date, and returns the slot buttons. */
async function pickSlots(page: Page, date: string) {
  await page.getByLabel("1. Pilih poli").selectOption({ label: "Poli Penyakit Dalam · RS Nusa Medika Jakarta" });
  await page.getByRole("button", { name: "Lanjut" }).click();
  await page.getByLabel("3. Pilih tanggal").fill(date);
  await page.getByRole("button", { name: "Lanjut" }).click();
  await expect(page.getByRole("heading", { name: "4. Pilih jam" })).toBeVisible();
  const slots = page.getByRole("button", { name: /^Buat janji temu pukul / });
  await expect(slots.first()).toBeVisible();
  return slots;
}

test("a patient books, is confirmed by e-mail, reschedules and cancels, in Indonesian", async ({ page }, info) => {
  await signIn(page, "portal", "pasien@contoh.id");
  await page.goto("/portal/appointments");
  await expect(page.locator("html")).toHaveAttribute("lang", "id");
  await expect(page.getByRole("heading", { name: "Janji temu", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "Buat janji temu" }).click();

  // each project books on its own day, so the runs on one database do not meet
  const date = jakartaDate(info.project.name === "phone" ? 2 : 4);
  let since = Date.now();
  const slots = await pickSlots(page, date);
  const first = slots.first();
  const startAt = (await first.getAttribute("value"))!;
  await first.click();
  await expect(page.getByText("Janji temu tersimpan. Konfirmasi dikirim lewat saluran yang Anda setujui.")).toBeVisible();

  // Budi prefers WhatsApp, which is not configured in this run: the message falls back to e-mail
  const confirmation = await waitForMail("pasien@contoh.id", { subject: /^Janji temu Anda terkonfirmasi: Poli Penyakit Dalam/, since });
  expect(confirmation.text).toContain("Nomor antrean Anda");
  expect(confirmation.text).toContain("RS Nusa Medika Jakarta");

  const booked = page.locator("li.visit-card").filter({ hasText: shownAt(startAt) }).filter({ hasText: "Terjadwal" });
  await expect(booked).toHaveCount(1);
  await page.screenshot({ path: `test-results/screens/hospital-booked-${info.project.name}.png`, fullPage: true });

  // reschedule to another free time that day
  await booked.getByRole("link", { name: "Ubah jadwal" }).click();
  await expect(page.getByText(/Anda sedang mengubah jadwal janji temu Poli Penyakit Dalam/)).toBeVisible();
  const again = await pickSlots(page, date);
  let target = again.nth(1);
  if ((await target.getAttribute("value")) === startAt) target = again.nth(2);
  const newStartAt = (await target.getAttribute("value"))!;
  expect(newStartAt).not.toBe(startAt);
  since = Date.now();
  await target.click();
  await expect(page.getByText("Janji temu tersimpan.", { exact: false })).toBeVisible();
  const moved = await waitForMail("pasien@contoh.id", { subject: /^Jadwal janji temu Anda berubah/, since });
  expect(moved.text).toContain("Nomor antrean baru Anda");
  const rescheduled = page.locator("li.visit-card").filter({ hasText: shownAt(newStartAt) }).filter({ hasText: "Terjadwal" });
  await expect(rescheduled).toHaveCount(1);
  await expect(page.locator("li.visit-card").filter({ hasText: shownAt(startAt) }).filter({ hasText: "Terjadwal" })).toHaveCount(0);

  // the patient taps "Konfirmasi" in the e-mail: a public page that shows the visit; only the button acts
  // (the token never leaks to other sites: Referrer-Policy same-origin, which still lets the POST carry its Origin)
  const confirmUrl = /Konfirmasi: (\S+)/.exec(moved.text)?.[1];
  expect(confirmUrl).toMatch(/\/api\/appointments\/link\?t=/);
  await page.goto(confirmUrl!);
  await expect(page.getByRole("heading", { name: "Konfirmasi kehadiran" })).toBeVisible();
  await expect(page.getByText(shownAt(newStartAt))).toBeVisible();
  await page.screenshot({ path: `test-results/screens/hospital-confirm-link-id-${info.project.name}.png`, fullPage: true });
  await page.getByRole("button", { name: "EN" }).click();
  await expect(page.getByRole("heading", { name: "Confirm your visit" })).toBeVisible();
  await page.screenshot({ path: `test-results/screens/hospital-confirm-link-en-${info.project.name}.png`, fullPage: true });
  await page.getByRole("button", { name: "Yes, I will come" }).click();
  await expect(page.getByRole("heading", { name: "Thank you" })).toBeVisible();
  await page.getByRole("button", { name: "ID" }).click();
  await expect(page.getByRole("heading", { name: "Tautan sudah dipakai" })).toBeVisible();
  await page.screenshot({ path: `test-results/screens/hospital-confirm-link-used-${info.project.name}.png`, fullPage: true });
  await page.goto("/portal/appointments");

  // cancel
  since = Date.now();
  await rescheduled.getByRole("button", { name: "Batalkan" }).click();
  await expect(page.getByText("Janji temu dibatalkan.", { exact: true })).toBeVisible();
  await waitForMail("pasien@contoh.id", { subject: /^Janji temu dibatalkan: Poli Penyakit Dalam/, since });
  await expect(page.locator("li.visit-card").filter({ hasText: shownAt(newStartAt) }).filter({ hasText: "Terjadwal" })).toHaveCount(0);
});

test("a partner clinic refers a patient; the hospital accepts, schedules and refers back", async ({ page, browser }, info) => {
  const run = `${Date.now()}`.slice(-8);
  const nik = `3171${info.project.name === "phone" ? 1 : 2}${String(Date.now()).slice(-11)}`;
  const patientName = `Sri Handayani ${run}`;

  await signIn(page, "partner", "klinik@contoh.id");
  await page.goto("/partner/referrals");
  await expect(page.getByRole("heading", { name: "Kirim rujukan pasien" })).toBeVisible();
  await page.getByLabel("Nama pasien").fill(patientName);
  await page.getByLabel("NIK (16 angka)").fill(nik);
  await page.getByLabel("Alasan rujukan / keluhan").fill("Sesak napas dan demam tiga hari, perlu evaluasi spesialis.");
  await page.getByLabel("Kode ICD-10").fill("J18.9");
  await page.getByLabel("Diagnosis", { exact: true }).fill("Pneumonia, tidak spesifik");
  await page.getByLabel("Poli tujuan").fill("Poli Penyakit Dalam");
  await page.getByLabel("Urgensi").selectOption({ label: "Segera" });
  await page.getByRole("button", { name: "Kirim rujukan" }).click();
  await expect(page).toHaveURL(/\/partner\/referrals\/[0-9a-f-]{36}$/);
  const referralUrl = new URL(page.url());
  const referralId = referralUrl.pathname.split("/").pop()!;
  await expect(page.locator(".badge").filter({ hasText: "Terkirim" })).toBeVisible();
  // labelled from the clinic's side
  await expect(page.getByText("Rujukan dari Anda", { exact: true })).toBeVisible();

  // the hospital side, in its own browser context
  const staff = await browser.newContext({ locale: "id-ID", viewport: page.viewportSize() ?? undefined });
  const s = await staff.newPage();
  await signIn(s, "staff", "admin@nusa-crm.id");
  await s.goto("/staff/referrals");
  await expect(s.getByRole("link", { name: patientName }).or(s.getByText(patientName)).first()).toBeVisible();
  await s.goto(`/staff/referrals/${referralId}`);
  await s.getByRole("button", { name: "Terima" }).click();
  await expect(s.locator(".badge").filter({ hasText: "Diterima" })).toBeVisible();

  await s.getByRole("link", { name: "Jadwalkan kunjungan" }).click();
  await expect(s.getByText("Janji temu ini untuk rujukan masuk.")).toBeVisible();
  const slots = await pickSlots(s, jakartaDate(info.project.name === "phone" ? 3 : 5));
  await slots.first().click();
  await expect(s).toHaveURL(/\/staff\/appointments\?/);

  await s.goto(`/staff/referrals/${referralId}`);
  // the booking event links the referral asynchronously (outbox job)
  await expect(async () => {
    await s.reload();
    await expect(s.locator(".badge").filter({ hasText: "Terjadwal" })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await s.getByLabel("Catatan / alasan / ringkasan").fill("Pneumonia membaik dengan antibiotik oral. Kontrol di klinik 1 minggu lagi.");
  await s.getByRole("button", { name: "Rujuk balik" }).click();
  await expect(s.locator(".badge").filter({ hasText: "Dirujuk balik" })).toBeVisible();

  // the referral counts in this month's report, as incoming from the clinic and accepted
  await s.goto("/staff/referrals");
  await s.getByRole("link", { name: "Laporan rujukan" }).click();
  await expect(s.getByRole("heading", { name: "Laporan rujukan" })).toBeVisible();
  await expect(s.getByRole("heading", { name: "Ringkasan periode" })).toBeVisible();
  const month = new Intl.DateTimeFormat("id-ID", { month: "long", year: "numeric", timeZone: "Asia/Jakarta" }).format(new Date());
  const row = s.locator("tr").filter({ hasText: month }).filter({ hasText: "Klinik Sehat Sentosa" }).filter({ hasText: "Rujukan masuk" });
  await expect(row).toHaveCount(1);
  await expect(row.locator("td").nth(4)).not.toHaveText("0");
  await staff.close();

  // the clinic sees the whole story
  await page.goto(referralUrl.pathname);
  await expect(page.locator(".badge").filter({ hasText: "Dirujuk balik" })).toBeVisible();
  await expect(page.getByText("Pneumonia membaik dengan antibiotik oral. Kontrol di klinik 1 minggu lagi.").first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "Riwayat" })).toBeVisible();
  await expect(page.locator("ol.plain-list li").filter({ hasText: "Diterima" })).toHaveCount(1);
  await page.screenshot({ path: `test-results/screens/hospital-referral-${info.project.name}.png`, fullPage: true });
  await page.goto("/partner/referrals");
  await expect(page.locator("tr").filter({ hasText: patientName }).getByText("Dirujuk balik")).toBeVisible();
});

test("a patient joins the waitlist when a day is full, sees it in both languages, and leaves it", async ({ page }, info) => {
  await signIn(page, "portal", "pasien@contoh.id");
  await page.goto("/portal/appointments/book");
  // a Sunday: no clinic, so every slot is "taken" and the waitlist is offered
  const jakartaToday = new Date(Date.now() + 7 * 3600_000);
  const sunday = new Date(jakartaToday.getTime() + (7 - jakartaToday.getUTCDay() || 7) * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("1. Pilih poli").selectOption({ label: "Poli Penyakit Dalam · RS Nusa Medika Jakarta" });
  await page.getByRole("button", { name: "Lanjut" }).click();
  await page.getByLabel("3. Pilih tanggal").fill(sunday);
  await page.getByRole("button", { name: "Lanjut" }).click();
  await expect(page.getByText("Tidak ada slot kosong pada tanggal ini.", { exact: false })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Masuk daftar tunggu" })).toBeVisible();
  const monday = new Date(new Date(`${sunday}T00:00:00Z`).getTime() + 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("Sampai tanggal").fill(monday);
  await page.screenshot({ path: `test-results/screens/hospital-waitlist-join-${info.project.name}.png`, fullPage: true });
  await page.getByRole("button", { name: "Masuk daftar tunggu" }).click();
  await expect(page.getByText("Anda masuk daftar tunggu.", { exact: false })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Daftar tunggu" })).toBeVisible();
  await page.screenshot({ path: `test-results/screens/hospital-waitlist-id-${info.project.name}.png`, fullPage: true });
  await page.getByRole("button", { name: "EN" }).click();
  await expect(page.getByRole("heading", { name: "Waitlist" })).toBeVisible();
  await page.screenshot({ path: `test-results/screens/hospital-waitlist-en-${info.project.name}.png`, fullPage: true });
  await page.getByRole("button", { name: "Leave the waitlist" }).click();
  await expect(page.getByText("You have left the waitlist.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Waitlist" })).toHaveCount(0);
  await page.getByRole("button", { name: "ID" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "id");
});
