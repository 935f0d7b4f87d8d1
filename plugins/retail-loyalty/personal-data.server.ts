// How this plugin's tables with personal data are exported and erased (core privacy tooling).
// The points ledger is append-only and a liability in the books: its rows stay, pointing at the
// contact's anonymous tombstone once the person is erased (they hold ids and amounts only).
import { tableHandler, type PersonalDataHandler } from "../../app/plugin-api/server.ts";

const purpose = "retail-loyalty.membership";
export const personalData: PersonalDataHandler[] = [
  tableHandler({
    table: "retail_loyalty_members",
    purpose,
    links: [{ column: "contact_id", subject: "contact", erase: "keep" }, { column: "enrolled_by", subject: "user", erase: "unlink" }],
  }),
  tableHandler({
    table: "retail_loyalty_ledger",
    purpose,
    links: [{ column: "contact_id", subject: "contact", erase: "keep" }, { column: "staff_user_id", subject: "user", erase: "keep" }],
  }),
  tableHandler({ table: "retail_loyalty_lots", purpose, links: [{ column: "contact_id", subject: "contact", erase: "keep" }] }),
  tableHandler({
    table: "retail_loyalty_vouchers",
    purpose,
    links: [{ column: "contact_id", subject: "contact", erase: "keep" }, { column: "used_by", subject: "user", erase: "unlink" }],
  }),
];
