import { index, route, type RouteConfigEntry } from "@remix-run/route-config";
import type { Portal } from "./core/plugins/contract.ts";
import { pluginRoutes } from "./core/plugins/plugin-routes.ts";
import { installedPlugins } from "../plugins/index.ts";

const plugins = (portal: Portal) => pluginRoutes(installedPlugins, portal);

export default [
  index("routes/home.tsx"),
  route("language", "routes/language.ts"),
  route("locales/:lng/:file", "routes/locales.ts"),
  route("logout", "routes/auth/logout.ts"),
  route("forgot-password", "routes/auth/forgot-password.tsx"),
  route("reset-password", "routes/auth/reset-password.tsx"),
  route("survey", "routes/survey.tsx"),

  route("staff/login", "routes/auth/login.tsx", { id: "staff-login" }),
  route("staff/invitation", "routes/auth/accept-invitation.tsx", { id: "staff-invitation" }),
  route("staff", "routes/staff/layout.tsx", [
    index("routes/staff/dashboard.tsx"),
    route("contacts", "routes/staff/contacts.tsx"),
    route("contacts/import", "routes/staff/contacts.import.tsx"),
    route("contacts/duplicates", "routes/staff/contacts.duplicates.tsx"),
    route("contacts/merge", "routes/staff/contacts.merge.tsx"),
    route("contacts/new", "routes/staff/contact.edit.tsx", { id: "staff-contact-new" }),
    route("contacts/export", "routes/staff/contacts.export.ts"),
    route("contacts/:contactId", "routes/staff/contact.tsx"),
    route("contacts/:contactId/edit", "routes/staff/contact.edit.tsx", { id: "staff-contact-edit" }),
    route("segments", "routes/staff/segments.tsx"),
    route("segments/new", "routes/staff/segments.edit.tsx", { id: "staff-segment-new" }),
    route("segments/:segmentId", "routes/staff/segments.view.tsx"),
    route("segments/:segmentId/edit", "routes/staff/segments.edit.tsx", { id: "staff-segment-edit" }),
    route("segments/:segmentId/export", "routes/staff/segments.export.ts"),
    route("segments/:segmentId/campaign", "routes/staff/segments.campaign.tsx"),
    route("partners", "routes/staff/partners.tsx"),
    route("partners/:partnerId", "routes/staff/partner.tsx"),
    route("tickets", "routes/staff/tickets.tsx"),
    route("tickets/new", "routes/staff/ticket-new.tsx"),
    route("tickets/:ticketId", "routes/staff/ticket.tsx"),
    route("tasks", "routes/staff/tasks.tsx"),
    route("tasks/new", "routes/staff/task-new.tsx"),
    route("tasks/:taskId", "routes/staff/task.tsx"),
    route("surveys", "routes/staff/surveys.tsx"),
    route("settings", "routes/staff/settings.tsx"),
    route("settings/users", "routes/staff/settings.users.tsx"),
    route("settings/roles", "routes/staff/settings.roles.tsx"),
    route("settings/branches", "routes/staff/settings.branches.tsx"),
    route("settings/plugins", "routes/staff/settings.plugins.tsx"),
    route("settings/plugins/:pluginId", "routes/staff/settings.plugin.tsx"),
    route("settings/messaging", "routes/staff/settings.messaging.tsx"),
    route("settings/api-tokens", "routes/staff/settings.api-tokens.tsx"),
    route("settings/tickets", "routes/staff/settings.tickets.tsx"),
    route("mailbox", "routes/staff/mailbox.tsx"),
    ...plugins("staff"),
  ]),

  route("portal/login", "routes/auth/login.tsx", { id: "portal-login" }),
  route("portal/register", "routes/auth/register.tsx"),
  route("portal/verify", "routes/auth/verify-email.tsx"),
  route("portal", "routes/portal/layout.tsx", [
    index("routes/portal/home.tsx"),
    route("profile", "routes/portal/profile.tsx"),
    route("password", "routes/portal/password.tsx", { id: "portal-password" }),
    route("tickets", "routes/portal/tickets.tsx"),
    route("tickets/new", "routes/portal/ticket-new.tsx"),
    route("tickets/:ticketId", "routes/requester/ticket.tsx", { id: "portal-ticket" }),
    route("surveys/:surveyId", "routes/portal/survey.tsx"),
    ...plugins("portal"),
  ]),

  route("partner/login", "routes/auth/login.tsx", { id: "partner-login" }),
  route("partner/invitation", "routes/auth/accept-invitation.tsx"),
  route("partner", "routes/partner/layout.tsx", [
    index("routes/partner/organisation.tsx"),
    route("users", "routes/partner/users.tsx"),
    route("password", "routes/portal/password.tsx", { id: "partner-password" }),
    route("tickets", "routes/partner/tickets.tsx"),
    route("tickets/new", "routes/partner/ticket-new.tsx"),
    route("tickets/:ticketId", "routes/requester/ticket.tsx", { id: "partner-ticket" }),
    ...plugins("partner"),
  ]),

  // read-only FHIR R4 (core-owned; plugins add resource types through their server part)
  route("fhir/r4/metadata", "routes/fhir/metadata.ts"),
  route("fhir/r4/:type", "routes/fhir/type.ts"),
  route("fhir/r4/:type/:id", "routes/fhir/instance.ts"),
  route("fhir/*", "routes/fhir/not-found.ts"),

  route("api/whatsapp/webhook", "routes/api/whatsapp-webhook.ts"),
  ...plugins("api"),
] satisfies RouteConfigEntry[];
