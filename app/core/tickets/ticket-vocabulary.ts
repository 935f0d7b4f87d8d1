// Client-safe and zod-free: the ticket vocabularies a page needs to render its choices. Pages of the
// customer and partner portals import these rather than ticket-forms.ts, whose zod schemas would
// bring zod and the phone metadata into the browser (see tests/tools/js-budget.mjs).
export { satisfactionRatings, ticketCategories, ticketChannels, ticketPriorities, ticketStatuses } from "../../../db/schema/ticket-vocabulary.ts";
