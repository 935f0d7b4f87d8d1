// The query string that keeps a user's choice of period and branch on links. Client-safe.
import type { DateRange } from "../time/local-time.ts";

export function requestQuery(request: { preset: string; range: DateRange; branchId: string | null }, extra: Record<string, string> = {}) {
  const params = new URLSearchParams();
  if (request.preset === "custom") {
    params.set("range", "custom");
    params.set("from", request.range.from);
    params.set("to", request.range.to);
  } else params.set("range", request.preset);
  if (request.branchId) params.set("branch", request.branchId);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}
