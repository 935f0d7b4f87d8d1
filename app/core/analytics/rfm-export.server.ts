// CSV of a snapshot's scores for the contacts the asker may see; audited with the row count before
// the first byte (scores are profiling, UU PDP). Numbers are plain (no thousands separators) so a
// spreadsheet reads them; nothing non-finite is written.
import type { Database } from "../../../db/client.ts";
import { audit } from "../audit/audit.server.ts";
import { csvField } from "../contacts/contact-export.server.ts";
import type { Actor, Translate } from "../plugins/contract.ts";
import { countSnapshotScores, scoreScopeOf, snapshotScores, type SnapshotRun } from "./rfm-reading.server.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

const columns = ["contactId", "name", "snapshotDate", "segment", "r", "f", "m", "recencyDays", "frequency", "monetary", "pAlive", "expected90", "expectedSpend", "clv"] as const;

const plain = (v: number | null, digits: number) => (v === null || !Number.isFinite(v) ? "" : String(Number(v.toFixed(digits))));

export async function exportSnapshotScores(db: Database, actor: StaffActor, run: SnapshotRun, options: { t: Translate; ip?: string | null }) {
  const scope = scoreScopeOf(actor);
  const rows = await countSnapshotScores(db, run.snapshotDate, scope);
  await audit(db, actor, {
    action: "analytics.scores.exported",
    entityType: "rfm_snapshot",
    data: { snapshotDate: run.snapshotDate, rows, scope: scope.all ? "all" : scope.branchId },
    ip: options.ip ?? null,
  });
  const encoder = new TextEncoder();
  const line = (fields: (string | null | undefined)[]) => `${fields.map((f) => csvField(f ?? "")).join(",")}\r\n`;
  let after: string | null = null;
  let started = false;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${line(columns.map((c) => options.t(`rfm.export.columns.${c}`)))}`));
        return;
      }
      if (done) return controller.close();
      const page = await snapshotScores(db, run, scope, { after, limit: 1000 });
      after = page.next;
      if (!after) done = true;
      const chunk = page.rows
        .map((s) =>
          line([
            s.contactId,
            s.fullName,
            s.snapshotDate,
            options.t(`rfm.segments.${s.segment}`),
            String(s.r),
            String(s.f),
            s.m === null ? "" : String(s.m),
            String(s.recencyDays),
            String(s.frequency),
            plain(s.monetary, 0),
            plain(s.pAlive, 4),
            plain(s.expected90, 3),
            plain(s.expectedSpend, 0),
            plain(s.clv, 0),
          ]),
        )
        .join("");
      if (chunk) controller.enqueue(encoder.encode(chunk));
      else controller.close();
    },
  });
}
