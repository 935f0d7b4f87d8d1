// The page behind the links in confirmations, reminders and waitlist offers: reached from WhatsApp or
// e-mail without signing in (the unguessable, single-purpose token is the credential). GET only shows
// the visit — link previews and mail scanners fetch links — and the one button POSTs the action.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { languageCookie, pageTitle } from "../../../app/plugin-api/server.ts";
import { AuthCard, formatDateTime, titleMeta } from "../../../app/plugin-api/ui.ts";
import { followLink, linkPage } from "../patient-actions.server.ts";
import { servicesOf } from "../route-helpers.server.ts";

export const handle = { i18n: ["hospital-appointments"] };

export const meta: MetaFunction = (args) => [...titleMeta(args), { name: "robots", content: "noindex" }, { name: "referrer", content: "same-origin" }];

const noStore = { "Cache-Control": "no-store", "Referrer-Policy": "same-origin" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const token = url.searchParams.get("t") ?? "";
  const page = await linkPage(context.runtime.db, token);
  // first visit without a language choice: show the page in the patient's own language
  const chosen = await languageCookie.parse(request.headers.get("Cookie"));
  // (once: `l` marks the redirect, so a client without cookies does not loop)
  if (page.visit && !chosen && !url.searchParams.has("l") && page.visit.language !== context.language) {
    url.searchParams.set("l", page.visit.language);
    throw redirect(`${url.pathname}${url.search}`, { headers: { "Set-Cookie": await languageCookie.serialize(page.visit.language), ...noStore } });
  }
  const visit = page.visit
    ? {
        action: page.visit.action,
        status: page.visit.status,
        when: formatDateTime(page.visit.startAt, context.language, page.visit.timeZone),
        holdUntil: page.visit.holdExpiresAt ? formatDateTime(page.visit.holdExpiresAt, context.language, page.visit.timeZone) : null,
        queueNumber: page.visit.queueNumber,
        service: context.language === "en" && page.visit.serviceNameEn ? page.visit.serviceNameEn : page.visit.serviceName,
        doctor: page.visit.practitionerName,
        branch: page.visit.branchName,
        confirmed: Boolean(page.visit.confirmedAt),
      }
    : null;
  return data({ title: pageTitle(context.language, "hospital-appointments:portal.title"), state: page.state, visit, token }, { headers: noStore });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const token = String(form.get("t") ?? "");
  const outcome = await followLink(context.runtime.db, servicesOf(context), token);
  if (outcome.ok) return data({ done: outcome.action, error: null }, { headers: noStore });
  return data({ done: null, error: outcome.state }, { status: outcome.state === "invalid" ? 404 : 409, headers: noStore });
}

export default function AppointmentLink() {
  const { state, visit, token } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("hospital-appointments");
  if (result?.done) {
    return (
      <AuthCard title={t(`link.done.${result.done}.title`)}>
        <p role="status">{t(`link.done.${result.done}.body`)}</p>
      </AuthCard>
    );
  }
  if (state !== "valid" || !visit) {
    return (
      <AuthCard title={t(`link.states.${state}.title`)}>
        <p>{t(`link.states.${state}.body`)}</p>
      </AuthCard>
    );
  }
  const error = result?.error ?? null;
  return (
    <AuthCard title={t(`link.${visit.action}.title`)}>
      {error ? (
        <div className="alert error" role="alert">
          {t(["used", "expired", "invalid"].includes(error) ? `link.states.${error}.body` : `errors.${error}`)}
        </div>
      ) : null}
      <dl className="details">
        <dt>{t("link.fields.when")}</dt>
        <dd>
          <strong>{visit.when}</strong>
        </dd>
        <dt>{t("link.fields.service")}</dt>
        <dd>{visit.service}</dd>
        <dt>{t("link.fields.doctor")}</dt>
        <dd>{visit.doctor}</dd>
        <dt>{t("link.fields.branch")}</dt>
        <dd>{visit.branch}</dd>
        <dt>{t("link.fields.queue")}</dt>
        <dd>{visit.queueNumber}</dd>
      </dl>
      {visit.action === "confirm" && visit.confirmed ? <p className="alert success">{t("link.alreadyConfirmed")}</p> : null}
      {visit.holdUntil && (visit.action === "accept" || visit.action === "decline") ? <p className="muted">{t("link.heldUntil", { time: visit.holdUntil })}</p> : null}
      <p>{t(`link.${visit.action}.body`)}</p>
      <Form method="post">
        <input type="hidden" name="t" value={token} />
        <button type="submit" className={visit.action === "cancel" || visit.action === "decline" ? "danger" : "primary"} disabled={navigation.state !== "idle"}>
          {t(`link.${visit.action}.button`)}
        </button>
      </Form>
    </AuthCard>
  );
}
