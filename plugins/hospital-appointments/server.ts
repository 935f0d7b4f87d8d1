import { sql } from "drizzle-orm";
import { defineServer } from "../../app/plugin-api/index.ts";
import { appointments } from "./schema.ts";
import { appointmentKpis } from "./kpis.server.ts";
import { reassignVisits, recordNoShows, sendDueReminders } from "./booking.server.ts";
import { noShowRateWidget, todayVisitsWidget, upcomingVisitsPanel, visitTimeline } from "./extensions.server.ts";
import { visitTransactions } from "./analytics-transactions.server.ts";
import { handleWhatsAppReply } from "./patient-actions.server.ts";
import { seedAppointments } from "./seed.server.ts";
import { fhirResources } from "./fhir.server.ts";
import { releaseExpiredHolds } from "./waitlist.server.ts";
import { visitEvents } from "./events.ts";
import { personalData } from "./personal-data.server.ts";
import { portalRelationship, portalWidgets } from "./portal-widgets.server.ts";

export default defineServer({
  events: Object.values(visitEvents),
  personalData,
  handlers: {
    "core.contact.merged": async (event, ctx) => {
      await reassignVisits(ctx.db, event.payload.mergedContactId, event.payload.keptContactId);
    },
    "core.whatsapp.received": (event, ctx) => handleWhatsAppReply(event, ctx),
  },
  jobs: [
    { name: "record-no-shows", cron: "*/10 * * * *", run: async (_data, ctx) => void (await recordNoShows(ctx.db, ctx.services)) },
    { name: "send-reminders", cron: "*/5 * * * *", run: async (_data, ctx) => void (await sendDueReminders(ctx.db, ctx.services)) },
    { name: "release-holds", cron: "* * * * *", run: async (_data, ctx) => void (await releaseExpiredHolds(ctx.db, ctx.services)) },
  ],
  contactPanels: [{ id: "visits", permission: "hospital-appointments.appointment.read", load: upcomingVisitsPanel }],
  transactions: [visitTransactions],
  timeline: [{ type: "hospital-appointments.visit", permission: "hospital-appointments.appointment.read", list: visitTimeline }],
  /** Measures for dashboards and reports (kpis.server.ts). */
  kpis: appointmentKpis,
  dashboardWidgets: [
    { id: "today", permission: "hospital-appointments.appointment.read", load: todayVisitsWidget },
    { id: "no-show-rate", permission: "hospital-appointments.appointment.read", load: noShowRateWidget },
  ],
  fhirResources,
  // anyone who booked a visit (even one later cancelled) is a patient here
  patientRelationship: (contactId) => sql`exists (select 1 from ${appointments} where ${appointments.contactId} = ${contactId})`,
  // the patient's home: the next visit and a slot held from the waitlist; shown to patients only
  portalWidgets,
  portalRelationship,
  seed: seedAppointments,
});
