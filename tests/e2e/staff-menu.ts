import type { Page } from "@playwright/test";

/** Opens the staff menu where it is folded behind its "Menu" button (a phone); a no-op on a desktop. */
export async function openStaffMenu(page: Page) {
  const toggle = page.getByRole("button", { name: "Menu", exact: true });
  if ((await toggle.isVisible()) && (await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
}
