// Retail end to end: a till sends a signed sale for the demo shopper (card RK200001), she sees the
// receipt and the points in /portal, redeems a reward for a voucher, the cashier burns it once, and
// the same sale sent twice counts once. Both projects share one server, so every figure is read
// before and compared after, and every receipt number is unique to the run.
import { createHmac } from "node:crypto";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";

test.use({ locale: "id-ID" });

// the TRK-BDG demo connection (README.md, demo data only)
const apiKey = "nusa_pos_demo_bandung_7Kq2xVt9LmP4";
const secret = "whsec_demo_bandung_Rz8nW3cY6hJ1";

async function postSigned(request: APIRequestContext, body: string, path = "/api/pos/v1/sales") {
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return request.post(path, {
    data: body,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}`, "Nusa-Signature": `t=${t},v1=${v1}` },
  });
}

async function signIn(page: Page, portal: "portal" | "staff", email: string) {
  await page.goto(`/${portal}`);
  await expect(page).toHaveURL(new RegExp(`/${portal}/login`));
  await page.getByLabel("E-mail").fill(email);
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(new RegExp(`/${portal}$`));
}

async function pointsBalance(page: Page) {
  await page.goto("/portal/loyalty");
  await expect(page.getByRole("heading", { name: "Poin saya" })).toBeVisible();
  const text = await page.locator(".stat").first().innerText();
  return Number(text.replace(/\D/g, ""));
}

async function newPage(browser: Browser) {
  const context = await browser.newContext({ locale: "id-ID" });
  return { context, page: await context.newPage() };
}

test("a signed sale earns points once, the shopper redeems a voucher and the cashier burns it", async ({ page, request, browser }, info) => {
  const receiptNumber = `E2E-${info.project.name}-${Date.now()}`;
  const body = JSON.stringify({
    receiptNumber,
    occurredAt: new Date().toISOString(),
    customer: { memberCard: "RK200001" },
    lines: [{ sku: "DAP-001", quantity: 2, unitPrice: 189000 }],
    total: 378000,
  });

  await signIn(page, "portal", "pelanggan@contoh.id");
  const before = await pointsBalance(page);

  // the till sends the sale: recorded once
  const first = await postSigned(request, body);
  expect(first.status()).toBe(201);
  const recorded = await first.json();
  expect(recorded).toMatchObject({ receiptNumber, status: "recorded", customerMatched: true, total: 378000 });
  expect(first.headers()["idempotent-replayed"]).toBeUndefined();

  // the receipt is in the shopper's portal, with the points it earned
  await page.goto("/portal/receipts");
  const receipt = page.locator(".receipt", { hasText: `Struk ${receiptNumber}` });
  await expect(receipt).toBeVisible();
  await expect(receipt.getByText("Wajan anti lengket 28 cm")).toBeVisible();
  await expect(receipt.locator(".receipt-total")).toContainText("Rp 378.000");
  const afterSale = await pointsBalance(page);
  expect(afterSale).toBeGreaterThan(before);
  await expect(page.locator("table.data tbody tr").first()).toContainText(`Dapat poin`);
  await expect(page.locator("table.data tbody tr").first()).toContainText(`+${afterSale - before}`);
  await page.screenshot({ path: `test-results/screens/retail-points-${info.project.name}.png`, fullPage: true });

  // the till retries the same sale (new signature, same bytes): replayed, nothing counted twice
  const retry = await postSigned(request, body);
  expect(retry.status()).toBe(200);
  expect(retry.headers()["idempotent-replayed"]).toBe("true");
  expect((await retry.json()).id).toBe(recorded.id);
  expect(await pointsBalance(page)).toBe(afterSale);
  await page.goto("/portal/receipts");
  await expect(page.locator(".receipt", { hasText: `Struk ${receiptNumber}` })).toHaveCount(1);

  // the shopper redeems a reward for a voucher
  await page.goto("/portal/loyalty");
  const bag = page.locator('section[aria-labelledby="rewards"] li', { hasText: "Tas belanja Rumah Kita" });
  await expect(bag).toContainText("150 poin");
  await bag.getByRole("button", { name: "Tukar" }).click();
  const redeemed = page.getByRole("status").filter({ hasText: "Kode voucher Anda" });
  await expect(redeemed).toBeVisible();
  const code = /NV-[A-Z0-9]+/.exec(await redeemed.innerText())?.[0];
  expect(code).toBeTruthy();
  expect(await pointsBalance(page)).toBe(afterSale - 150);
  const voucher = page.locator('section[aria-labelledby="vouchers"] li', { hasText: code! });
  await expect(voucher).toContainText("Berlaku sampai");

  // the cashier checks and burns it at the till, once
  const till = await newPage(browser);
  try {
    await signIn(till.page, "staff", "kasir@nusa-crm.id");
    await till.page.goto("/staff/loyalty-vouchers");
    await expect(till.page.getByRole("heading", { name: "Voucher kasir" })).toBeVisible();
    await till.page.getByLabel("Kode voucher").fill(code!);
    await till.page.getByRole("button", { name: "Periksa" }).click();
    await expect(till.page.getByRole("status")).toContainText("Voucher berlaku: Tas belanja Rumah Kita senilai Rp 15.000 atas nama Ani Yulianti");
    await till.page.getByLabel("No. struk (opsional)").fill(receiptNumber);
    await till.page.getByRole("button", { name: "Pakai voucher" }).click();
    await expect(till.page.getByRole("status")).toContainText(`Voucher ${code} sudah dipakai. Berikan potongan Rp 15.000.`);
    await till.page.screenshot({ path: `test-results/screens/retail-voucher-burned-${info.project.name}.png`, fullPage: true });

    // a second use is refused
    await till.page.getByLabel("Kode voucher").fill(code!);
    await till.page.getByRole("button", { name: "Pakai voucher" }).click();
    await expect(till.page.getByText("Voucher ini sudah dipakai.")).toBeVisible();
  } finally {
    await till.context.close();
  }

  // the till's API agrees: the voucher is spent
  const tillCheck = await postSigned(request, "{}", `/api/pos/v1/vouchers/${code}/check`);
  expect(tillCheck.status()).toBe(409);
  expect((await tillCheck.json()).error.code).toBe("voucher_used");

  // the shopper sees it used
  await page.goto("/portal/loyalty");
  await expect(page.locator('section[aria-labelledby="vouchers"] li', { hasText: code! })).toContainText("Sudah dipakai");
});

test("a manager uploads a sales export and watches it recorded, with the bad row reported", async ({ page }, info) => {
  const run = `${info.project.name}-${Date.now()}`;
  const csv = [
    "No Struk;Waktu;Kartu Member;SKU;Qty;Harga",
    `IMP-${run}-1;2026-11-20T09:00:00+07:00;RK200001;DAP-001;1;189000`,
    `IMP-${run}-2;bukan-tanggal;;DAP-001;1;189000`,
  ].join("\n");
  await signIn(page, "staff", "manajer@nusa-crm.id");
  await page.goto("/staff/pos/imports");
  await expect(page.getByRole("heading", { name: "Impor penjualan" })).toBeVisible();
  await page.getByLabel("Berkas CSV atau JSON").setInputFiles({ name: `ekspor-${run}.csv`, mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Unggah dan proses" }).click();
  await expect(page.getByRole("status")).toContainText(`Berkas ekspor-${run}.csv diterima: 2 struk akan diproses.`);
  const row = page.locator("tr", { hasText: `ekspor-${run}.csv` });
  // the page refreshes itself while the job runs
  await expect(row).toContainText("Selesai", { timeout: 20_000 });
  await expect(row).toContainText("2 dari 2");
  await row.getByRole("link", { name: "1" }).click();
  await expect(page.getByRole("heading", { name: `Kesalahan per baris: ekspor-${run}.csv` })).toBeVisible();
  await expect(page.locator('section[aria-labelledby="import-errors"] tbody tr')).toContainText("validation_failed");
  await page.screenshot({ path: `test-results/screens/retail-import-${info.project.name}.png`, fullPage: true });
});
