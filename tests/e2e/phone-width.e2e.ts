import { expect, test, type Page } from "@playwright/test";

// A cheap Android phone is the usual screen here: no page may be wider than it (the menu and wide
// tables scroll inside their own box instead).
test.skip(({ isMobile }) => !isMobile, "phone only");

const pages = {
  staff: {
    email: "admin@nusa-crm.id",
    paths: [
      "/staff",
      "/staff/contacts",
      "/staff/contacts/duplicates",
      "/staff/segments",
      "/staff/tasks",
      "/staff/tickets",
      "/staff/partners",
      "/staff/surveys",
      "/staff/settings/users",
      "/staff/settings/tickets",
      "/staff/settings/api-tokens",
      "/staff/settings/status",
      "/staff/settings/plugins/hospital-appointments",
      "/staff/appointments",
      "/staff/appointments/setup",
      "/staff/referrals",
      "/staff/referrals/reports",
      "/staff/pos/reports",
      "/staff/pos/imports",
      "/staff/loyalty",
      "/staff/loyalty-settings",
      "/staff/analytics",
      "/staff/analytics/at-risk",
      "/staff/analytics/cohorts",
      "/staff/analytics/model",
      "/staff/reports/management",
      "/staff/reports/subscriptions",
      "/staff/privacy",
      "/staff/privacy/requests",
      "/staff/privacy/incidents",
      "/staff/privacy/retention",
      "/staff/privacy/processing",
      "/staff/audit",
      "/staff/settings/events",
    ],
  },
  portal: { email: "pasien@contoh.id", paths: ["/portal", "/portal/appointments", "/portal/appointments/book", "/portal/tickets", "/portal/profile", "/portal/privacy"] },
  partner: { email: "klinik@contoh.id", paths: ["/partner", "/partner/referrals", "/partner/tickets", "/partner/reports", "/partner/privacy"] },
} as const;

async function signIn(page: Page, portal: keyof typeof pages) {
  await page.goto(`/${portal}/login`);
  await page.getByLabel("E-mail").fill(pages[portal].email);
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(new RegExp(`/${portal}$`));
}

for (const portal of Object.keys(pages) as (keyof typeof pages)[]) {
  test(`every ${portal} page fits a phone's width`, async ({ page }) => {
    await signIn(page, portal);
    const tooWide: string[] = [];
    for (const path of pages[portal].paths) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBeLessThan(400);
      const extra = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return null;
        // the innermost element that sticks out, to say what to fix
        const culprit = [...document.querySelectorAll("main *")].reverse().find((el) => el.getBoundingClientRect().right > width + 1);
        return `+${document.documentElement.scrollWidth - width}px at ${culprit?.tagName.toLowerCase()}.${culprit?.className} "${culprit?.textContent?.trim().slice(0, 40)}"`;
      });
      if (extra) tooWide.push(`${path} (${extra})`);
    }
    expect(tooWide).toEqual([]);
  });
}
