import { defineServer } from "../../app/plugin-api/index.ts";
import { reassignVisits, recordNoShows, sendDueReminders } from "./booking.server.ts";
import { noShowRateWidget, todayVisitsWidget, upcomingVisitsPanel, visitTimeline } from "./extensions.server.ts";
import { handleWhatsAppReply } from "./patient-actions.server.ts";
import { seedAppointments } from "./seed.server.ts";
import { fhirResources } from "./fhir.server.ts";
import { releaseExpiredHolds } from "./waitlist.server.ts";

export default defineServer({
  handlers: {
    "core.contact.merged": async (event, ctx) => {
      await reassignVisits(ctx.db, String(event.payload.mergedContactId), String(event.payload.keptContactId));
    },
    "core.whatsapp.received": (event, ctx) => handleWhatsAppReply(event, ctx),
  },
  jobs: [
    { name: "record-no-shows", cron: "*/10 * * * *", run: async (_data, ctx) => void (await recordNoShows(ctx.db, ctx.services)) },
    { name: "send-reminders", cron: "*/5 * * * *", run: async (_data, ctx) => void (await sendDueReminders(ctx.db, ctx.services)) },
    { name: "release-holds", cron: "* * * * *", run: async (_data, ctx) => void (await releaseExpiredHolds(ctx.db, ctx.services)) },
  ],
  contactPanels: [{ id: "visits", permission: "hospital-appointments.appointment.read", load: upcomingVisitsPanel }],
  timeline: [{ type: "hospital-appointments.visit", permission: "hospital-appointments.appointment.read", list: visitTimeline }],
  dashboardWidgets: [
    { id: "today", permission: "hospital-appointments.appointment.read", load: todayVisitsWidget },
    { id: "no-show-rate", permission: "hospital-appointments.appointment.read", load: noShowRateWidget },
  ],
  fhirResources,
  seed: seedAppointments,
});
