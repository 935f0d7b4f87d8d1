// The retail-pos events this plugin handles, as that plugin defines them (ADR 012): typed through
// the core's EventMap and parsed by the bus before a handler runs, so nothing is re-declared here.
import type { EventPayload } from "../../app/plugin-api/index.ts";

export type SaleRecorded = EventPayload<"pos.sale.recorded">;
export type SaleRefunded = EventPayload<"pos.sale.refunded">;
