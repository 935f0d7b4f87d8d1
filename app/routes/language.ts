import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { users } from "../../db/schema/index.ts";
import { safeRedirect } from "../core/auth/guards.server.ts";
import { languageCookie } from "../core/i18n/i18n.server.ts";
import { isLanguage } from "../core/i18n/languages.ts";

/** Switches the language: remembered in a cookie, and on the account when signed in. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const language = form.get("language");
  const back = safeRedirect(form.get("redirectTo"), "/");
  if (!isLanguage(language)) return redirect(back);
  if (context.auth) {
    await context.runtime.db.update(users).set({ locale: language }).where(eq(users.id, context.auth.user.id));
  }
  return redirect(back, { headers: { "Set-Cookie": await languageCookie.serialize(language) } });
}

export const loader = () => redirect("/");
