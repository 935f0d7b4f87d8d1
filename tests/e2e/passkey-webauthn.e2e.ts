// Passkeys end to end in Chromium, with its virtual authenticator (CDP WebAuthn domain): a staff
// user enrols a passkey on their security page, then signs in with password + passkey.
import { expect, test, type BrowserContext, type Page } from "@playwright/test";

// one demo account per viewport (no other spec signs in as these), so each run enrols afresh
const accounts: Record<string, string> = { desktop: "cs@nusa-crm.id", phone: "dokter@nusa-crm.id" };

async function virtualAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

async function signInWithPassword(page: Page, email: string) {
  await page.goto("/staff/login?redirectTo=%2Fstaff%2Fsecurity");
  await page.getByLabel("E-mail").fill(email);
  await page.locator('input[name="password"]').fill("nusa-demo-2026");
  await page.locator('main form[method="post"] button[type="submit"]').last().click();
}

test("a staff user enrols a passkey with the virtual authenticator and signs in with it", async ({ browser }, info) => {
  const email = accounts[info.project.name] ?? accounts.desktop;
  const context = await browser.newContext({ locale: "id-ID" });
  const page = await context.newPage();
  const { cdp, authenticatorId } = await virtualAuthenticator(context, page);

  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/staff\/security$/);
  await expect(page.getByText("Belum ada passkey.")).toBeVisible();
  await page.getByTestId("passkey-register").click();
  // the first factor comes with ten backup codes, shown once
  await expect(page.locator(".backup-codes li")).toHaveCount(10);
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0].rpId).toBe("localhost");
  await page.reload();
  await expect(page.getByText("Belum ada passkey.")).toHaveCount(0);

  // a fresh sign-in: the password alone is no longer enough, the passkey completes it
  await context.clearCookies();
  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/staff\/login\/second-factor/);
  await page.getByTestId("passkey-authenticate").click();
  await expect(page).toHaveURL(/\/staff\/security$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const after = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(after.credentials[0].signCount).toBeGreaterThan(credentials[0].signCount);
  await context.close();
});
