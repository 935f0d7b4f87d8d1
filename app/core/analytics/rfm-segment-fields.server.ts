// Segment fields over the newest RFM snapshot (RFM segment, p(alive), CLV, expected transactions),
// so a campaign can target "CLV tinggi dan berisiko". Only holders of the scores permission see
// them; contacts who objected to profiling have no snapshot row and so never match.
import { sql, type SQL } from "drizzle-orm";
import { contacts } from "../../../db/schema/index.ts";
import type { SegmentCondition } from "../plugins/contract.ts";
import type { CoreSegmentField } from "../segments/segment-fields.server.ts";
import { segmentComparison } from "../segments/segment-fields.server.ts";
import { rfmSegmentKeys } from "./rfm.ts";
import { analyticsScoresPermission } from "./rfm-snapshots.server.ts";

/** A column of the contact's row in the newest snapshot (null when they are not in it). */
function latestScore(column: SQL): SQL {
  return sql`(select ${column} from rfm_snapshots s where s.contact_id = ${contacts.id} and s.snapshot_date = (select max(snapshot_date) from rfm_snapshot_runs))`;
}

const scoreField = (key: string, label: string, type: "number" | "money", expr: SQL): CoreSegmentField => ({
  key,
  label,
  namespace: "analytics",
  permission: analyticsScoresPermission,
  type,
  condition: (c) => segmentComparison(expr, c as SegmentCondition),
});

export const analyticsScoreSegmentFields: CoreSegmentField[] = [
  {
    key: "core.rfmSegment",
    label: "segments.fields.rfmSegment",
    namespace: "analytics",
    permission: analyticsScoresPermission,
    type: "enum",
    options: rfmSegmentKeys.map((k) => ({ value: k, label: `rfm.segments.${k}` })),
    condition: (c) => segmentComparison(latestScore(sql`s.segment`), c as SegmentCondition),
  },
  // whole percent, as typed in the builder (numbers there are integers)
  scoreField("core.pAlive", "segments.fields.pAlive", "number", latestScore(sql`s.p_alive * 100`)),
  scoreField("core.clv", "segments.fields.clv", "money", latestScore(sql`s.clv`)),
  scoreField("core.expected90", "segments.fields.expected90", "number", latestScore(sql`s.expected_90`)),
  scoreField("core.expected365", "segments.fields.expected365", "number", latestScore(sql`s.expected_365`)),
];
