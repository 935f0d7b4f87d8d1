// UI kit for plugin pages: the same components and formatters the core portals use.
export { PageHeader } from "../ui/portal-shell.tsx";
/** The centred card (with the ID/EN switch) of pages reached without signing in, e.g. links in messages. */
export { AuthCard } from "../ui/auth-card.tsx";
export { TextField, SelectField, FormAlert, FieldErrors } from "../ui/form-field.tsx";
export { translateError } from "../ui/translate-error.ts";
export { formatDate, formatDateTime, formatLocalDate, formatLocalTime, formatNumber, formatRupiah, formatTime } from "../core/i18n/format.ts";
export { formatPhone, normalizePhone } from "../core/i18n/phone.ts";
/** meta showing the loader's `title` (see `pageTitle`); `withAppName(record name)` for a title that is a record's name. */
export { titleMeta, withAppName } from "../core/i18n/page-title.ts";
/** A record's time zone, or the default (WIB) when it has none, for the formatters above. */
export { zoneOrDefault } from "../core/time/local-time.ts";
/** "Ekspor CSV · Ekspor XLSX" links to a report's export route with the page's filters (add "reports" to the page's i18n namespaces). */
export { ReportDownloadLinks } from "../ui/report-download-links.tsx";
