// How this plugin's tables with personal data are exported and erased (core privacy tooling).
// Sales are bookkeeping records (kept 10 years): erasure clears the link to the person, and so does
// the nightly retention once a sale is older than the purpose's 10 years (the sale itself stays).
import { tableHandler, type PersonalDataHandler } from "../../app/plugin-api/server.ts";

const purpose = "retail-pos.sales";
export const personalData: PersonalDataHandler[] = [
  tableHandler({
    table: "retail_pos_sales",
    purpose,
    links: [{ column: "contact_id", subject: "contact", erase: "unlink" }],
    anonymise: { contact_id: null },
    retention: { column: "occurred_at", method: "anonymise" },
  }),
  tableHandler({ table: "retail_pos_connections", purpose, links: [{ column: "created_by", subject: "user", erase: "unlink" }] }),
  tableHandler({ table: "retail_pos_imports", purpose, links: [{ column: "created_by", subject: "user", erase: "unlink" }] }),
];
