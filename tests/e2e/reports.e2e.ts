import { expect, test, type Page } from "@playwright/test";

async function signInAsAdmin(page: Page) {
  await page.goto("/staff");
  await page.getByLabel("E-mail").fill("admin@nusa-crm.id");
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(/\/staff$/);
}

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test("the staff home is the role dashboard: tiles, definitions on focus, charts with a table, a KPI page, in id and en", async ({ page }, info) => {
  await signInAsAdmin(page);
  await page.getByRole("button", { name: "ID", exact: true }).click();
  await page.goto("/staff?range=year");
  await expect(page.getByRole("heading", { name: /Manajemen/ })).toBeVisible();
  const tile = page.locator(".kpi-tile").first();
  await tile.focus();
  await expect(tile.locator(".kpi-tip")).toBeVisible();
  await expect(page.locator(".chart-image svg").first()).toBeVisible();
  await page.getByText("Lihat sebagai tabel").first().click();
  await expect(page.locator(".chart-table table").first()).toBeVisible();
  await page.screenshot({ path: `test-results/screens/reports-dashboard-id-${info.project.name}.png`, fullPage: true });
  expect(await overflow(page)).toBeLessThanOrEqual(0);

  await page.getByRole("button", { name: "EN", exact: true }).click();
  await page.goto("/staff?range=year");
  await expect(page.getByRole("heading", { name: /Management/ })).toBeVisible();
  await page.screenshot({ path: `test-results/screens/reports-dashboard-en-${info.project.name}.png`, fullPage: true });
  expect(await overflow(page)).toBeLessThanOrEqual(0);

  await page.goto("/staff/reports/kpi/core.contacts.new?range=year&dimension=branch");
  await expect(page.getByRole("heading", { name: "New contacts", level: 1 })).toBeVisible();
  await page.screenshot({ path: `test-results/screens/reports-kpi-en-${info.project.name}.png`, fullPage: true });
  expect(await overflow(page)).toBeLessThanOrEqual(0);

  // no chart library reaches the browser: the page's scripts contain no d3
  const scripts = await page.evaluate(() => [...document.querySelectorAll("script[src], link[rel=modulepreload]")].map((e) => e.getAttribute("src") ?? e.getAttribute("href")));
  for (const src of scripts) {
    if (!src) continue;
    const body = await (await page.request.get(src)).text();
    expect(body, src).not.toContain("d3-scale");
    expect(body, src).not.toMatch(/scaleBand|curveLinear/);
  }
  await page.getByRole("button", { name: "ID", exact: true }).click();
});
