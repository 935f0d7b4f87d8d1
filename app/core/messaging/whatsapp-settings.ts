// The WhatsApp Business Cloud API channel's settings: the stored shape (read with readSetting) and
// the admin form. Client-safe: the settings page validates with the same schema in the browser.
import { z } from "../validation/validation.ts";

export const whatsappSettingsKey = "messaging.whatsapp";
export const defaultGraphBaseUrl = "https://graph.facebook.com";
export const defaultGraphApiVersion = "v21.0";

/** One of our message templates mapped to an approved WhatsApp template. */
export const templateMappingSchema = z.object({
  /** Our template name, e.g. "core.serviceUpdate" or "hospital-appointments.reminder". */
  template: z.string().trim().min(1).max(100),
  /** The approved template's name at Meta, e.g. "pengingat_janji_temu". */
  name: z.string().trim().min(1).max(512),
  /** Its language code at Meta, e.g. "id" or "en_US". */
  language: z.string().trim().min(2).max(15),
  /** Our parameter names in the order of the template body's {{1}}, {{2}} … */
  params: z.array(z.string().trim().min(1).max(60)).default([]),
});
export type TemplateMapping = z.infer<typeof templateMappingSchema>;

/** What is stored under `messaging.whatsapp` (secrets included: never sent to a browser). */
export const whatsappSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  baseUrl: z.string().url().default(defaultGraphBaseUrl),
  apiVersion: z.string().default(defaultGraphApiVersion),
  phoneNumberId: z.string().default(""),
  accessToken: z.string().default(""),
  appSecret: z.string().default(""),
  verifyToken: z.string().default(""),
  templates: z.array(templateMappingSchema).default([]),
});
export type WhatsAppSettings = z.infer<typeof whatsappSettingsSchema>;

export const whatsappSecretFields = ["accessToken", "appSecret", "verifyToken"] as const;
export type WhatsAppSecretField = (typeof whatsappSecretFields)[number];

const optionalSecret = z
  .string()
  .trim()
  .max(1000)
  .optional()
  .transform((v) => v || null);

const checkbox = z
  .string()
  .optional()
  .transform((v) => v === "on" || v === "true");

// Rows left blank in the mapping table are dropped; a half-filled row is an error on that row.
const mappingRow = z.object({
  template: z.string().trim().max(100).optional().default(""),
  name: z.string().trim().max(512).optional().default(""),
  language: z.string().trim().max(15).optional().default(""),
  params: z.string().trim().max(500).optional().default(""),
});

/** The admin form: a blank secret keeps the stored one; "clear" removes it. */
export const whatsappSettingsFormSchema = z
  .object({
    enabled: checkbox,
    baseUrl: z.string().trim().url("staff:messaging.errors.baseUrl"),
    apiVersion: z
      .string()
      .trim()
      .regex(/^v\d{1,3}\.\d{1,3}$/, "staff:messaging.errors.apiVersion"),
    // optional: the webhook's app secret and verify token can be saved before the number is known
    phoneNumberId: z
      .string()
      .trim()
      .max(40)
      .regex(/^\d*$/, "staff:messaging.errors.phoneNumberId")
      .optional()
      .transform((v) => v ?? ""),
    accessToken: optionalSecret,
    appSecret: optionalSecret,
    verifyToken: optionalSecret,
    clearAccessToken: checkbox,
    clearAppSecret: checkbox,
    clearVerifyToken: checkbox,
    templates: z.array(mappingRow).optional().default([]),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.templates.forEach((row, i) => {
      const filled = [row.template, row.name, row.language].filter(Boolean).length;
      if (filled === 0 && !row.params) return;
      for (const key of ["template", "name", "language"] as const) {
        if (!row[key]) ctx.addIssue({ code: "custom", path: ["templates", i, key], message: "validation.required" });
      }
      if (row.template && !/^[a-z0-9-]+\.[A-Za-z0-9_.-]+$/.test(row.template)) {
        ctx.addIssue({ code: "custom", path: ["templates", i, "template"], message: "staff:messaging.errors.templateName" });
      }
      if (row.name && !/^[a-z0-9_]+$/.test(row.name)) {
        ctx.addIssue({ code: "custom", path: ["templates", i, "name"], message: "staff:messaging.errors.waTemplateName" });
      }
      if (row.language && !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(row.language)) {
        ctx.addIssue({ code: "custom", path: ["templates", i, "language"], message: "staff:messaging.errors.language" });
      }
      if (row.template && seen.has(row.template)) {
        ctx.addIssue({ code: "custom", path: ["templates", i, "template"], message: "staff:messaging.errors.templateTwice" });
      }
      seen.add(row.template);
    });
  })
  .transform((value) => ({
    ...value,
    templates: value.templates
      .filter((row) => row.template || row.name || row.language)
      .map((row) => ({
        template: row.template,
        name: row.name,
        language: row.language,
        params: row.params
          .split(/[,\s]+/)
          .map((p) => p.trim())
          .filter(Boolean),
      })),
  }));
export type WhatsAppSettingsForm = z.infer<typeof whatsappSettingsFormSchema>;

/** Core templates sendToContact knows; plugins add `<plugin-id>.<name>` with texts in their namespace. */
export const coreMessageTemplates = ["core.serviceUpdate", "core.campaign"] as const;
