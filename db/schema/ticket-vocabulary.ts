// The ticket vocabularies, apart from the drizzle tables: pages import them (through
// app/core/tickets/ticket-vocabulary.ts) without bringing drizzle and every table into the browser.
export const ticketCategories = ["complaint", "service_request", "billing", "information", "other"] as const;
export const ticketPriorities = ["low", "normal", "high", "urgent"] as const;
export const ticketStatuses = ["open", "in_progress", "waiting_customer", "resolved", "closed"] as const;
export const ticketChannels = ["portal", "partner", "phone", "walk_in", "email", "whatsapp"] as const;
export const satisfactionRatings = ["excellent", "good", "average", "poor"] as const;
