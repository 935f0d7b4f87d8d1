// Task reminders: a cron job e-mails the assignee once, an hour before the task is due (or at the
// next run, for a task created or moved closer than that). reminded_at makes it once; a new due
// time or a new assignee clears it, so they get their own reminder.
import { and, asc, eq, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { tasks } from "../../../db/schema/index.ts";
import { activeTaskStatuses } from "./task-forms.ts";
import { emailAssignee, type TaskRuntime } from "./tasks.server.ts";

export const taskReminderQueue = "core.tasks.remind";
/** Every minute (UTC cron). */
export const taskReminderCron = "* * * * *";
/** How long before the due time the reminder goes out. */
export const taskReminderLeadMinutes = 60;

const batchSize = 50;

/** Sends every reminder that is due; returns how many tasks were reminded. Safe to run concurrently. */
export async function remindDueTasks(db: Database, runtime: Pick<TaskRuntime, "jobs" | "config">) {
  let total = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const due = await tx
        .select({ id: tasks.id, title: tasks.title, dueAt: tasks.dueAt, description: tasks.description, assigneeId: tasks.assigneeId })
        .from(tasks)
        .where(
          and(
            inArray(tasks.status, [...activeTaskStatuses]),
            isNull(tasks.remindedAt),
            isNotNull(tasks.dueAt),
            lte(tasks.dueAt, sql`now() + ${sql.raw(`interval '${taskReminderLeadMinutes} minutes'`)}`),
          ),
        )
        .orderBy(asc(tasks.dueAt))
        .limit(batchSize)
        .for("update", { skipLocked: true });
      for (const task of due) {
        await tx.update(tasks).set({ remindedAt: new Date() }).where(and(eq(tasks.id, task.id), isNull(tasks.remindedAt)));
        await emailAssignee(tx, runtime, task, task.assigneeId, "tasks.reminder");
      }
      return due.length;
    });
    total += count;
    if (count < batchSize) break;
  }
  return total;
}
