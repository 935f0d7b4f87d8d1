import { expect, test, type Page } from "@playwright/test";

async function signInAsAdmin(page: Page) {
  await page.goto("/staff/login");
  await page.locator('input[name="email"]').fill("admin@nusa-crm.id");
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(/\/staff$/);
}

test("an admin creates an API token without JavaScript, reads FHIR with it, and revokes it", async ({ browser, request }, info) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "id-ID", ...(info.project.name === "phone" ? { viewport: { width: 393, height: 851 } } : {}) });
  const page = await context.newPage();
  await signInAsAdmin(page);
  // the admin's saved language may be either from an earlier run: make it Indonesian first
  await page.getByRole("button", { name: "ID", exact: true }).click();
  await page.goto("/staff/settings/api-tokens");
  await expect(page.getByRole("heading", { name: "Token API" })).toBeVisible();
  // the demo token is listed, never its secret
  await expect(page.getByText("Demo FHIR / SATUSEHAT", { exact: true })).toBeVisible();
  await expect(page.getByText("nusa_fhir_demo_R4q7Vx2Lm9Tk5Wp3")).toHaveCount(0);

  const name = `Integrasi uji ${info.project.name} ${Date.now()}`;
  await page.getByText("Buat token", { exact: true }).first().click();
  await page.getByLabel("Nama").fill(name);
  await page.screenshot({ path: `test-results/screens/api-tokens-form-id-${info.project.name}.png`, fullPage: true });
  await page.getByRole("button", { name: "Buat token" }).click();
  await expect(page.getByText(`Token "${name}" sudah dibuat`)).toBeVisible();
  const secret = await page.locator("#new-token-secret").inputValue();
  expect(secret).toMatch(/^nusa_/);
  await page.screenshot({ path: `test-results/screens/api-tokens-created-id-${info.project.name}.png`, fullPage: true });

  const search = await request.get("/fhir/r4/Patient?identifier=https://fhir.kemkes.go.id/id/nik%7C3171011207840003", { headers: { Authorization: `Bearer ${secret}` } });
  expect(search.status()).toBe(200);
  expect(search.headers()["content-type"]).toContain("application/fhir+json");
  const bundle = await search.json();
  expect(bundle.entry[0].resource.name[0].text).toBe("Budi Santoso");

  const row = page.getByRole("row", { name: new RegExp(name) });
  await row.getByRole("button", { name: "Cabut" }).click();
  await expect(page.getByText("Token sudah dicabut.")).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(name) }).getByText("Dicabut")).toBeVisible();
  const refused = await request.get("/fhir/r4/Patient", { headers: { Authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);

  // the same page in English
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await page.goto("/staff/settings/api-tokens");
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await page.screenshot({ path: `test-results/screens/api-tokens-en-${info.project.name}.png`, fullPage: true });
  await page.getByRole("button", { name: "ID", exact: true }).click();
  await context.close();
});
