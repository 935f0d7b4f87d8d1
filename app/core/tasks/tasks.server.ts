// Tasks: to-dos staff give themselves or a colleague, with a due time, a priority and an optional
// link to a contact or any record. Only the assignee and the creator see or change a task.
import { and, asc, eq, inArray, ne, notInArray, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "../../../db/client.ts";
import { branches, contacts, tasks, users } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import { defaultTimeZone, formatDateTime } from "../i18n/format.ts";
import { isLanguage } from "../i18n/languages.ts";
import { queueEmail, renderNoticeEmail, type JobSender } from "../messaging/email.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { activeTaskStatuses, type TaskListInput, type TaskPriority, type TaskStatus } from "./task-forms.ts";
import { isUuid } from "../validation/ids.ts";

type StaffActor = Extract<Actor, { kind: "staff" }>;

export interface TaskRuntime {
  db: Database;
  jobs: JobSender;
  config: { appOrigin: string };
}

export type TaskError = "notFound" | "assigneeInvalid" | "contactNotFound";
type Result<T = object> = ({ ok: true } & T) | { ok: false; error: TaskError };

export const taskPageSize = 25;


const assignee = alias(users, "assignee");
const creator = alias(users, "creator");

const overdueSql = sql<boolean>`(${tasks.status} in ('open', 'in_progress') and ${tasks.dueAt} < now())`;

/** A staff member's time zone: their branch's, else WIB. */
async function activeStaff(db: Database, userId: string) {
  const [row] = await db
    .select({ id: users.id, name: users.name, email: users.email, locale: users.locale, timeZone: branches.timeZone })
    .from(users)
    .leftJoin(branches, eq(branches.id, users.branchId))
    .where(and(eq(users.id, userId), eq(users.kind, "staff"), eq(users.active, true)));
  return row ?? null;
}

/** E-mails a task's (new) assignee: a task handed to them, or one falling due. */
export async function emailAssignee(
  db: Database,
  runtime: Pick<TaskRuntime, "jobs" | "config">,
  task: { id: string; title: string; dueAt: Date | null; description?: string | null },
  assigneeId: string,
  template: "tasks.assigned" | "tasks.reminder",
  extra: { from?: string; note?: string | null } = {},
) {
  const to = await activeStaff(db, assigneeId);
  if (!to) return false;
  const language = isLanguage(to.locale) ? to.locale : "id";
  const email = await renderNoticeEmail(template, language, {
    name: to.name,
    values: {
      title: task.title,
      from: extra.from ?? "",
      due: task.dueAt ? formatDateTime(task.dueAt, language, to.timeZone ?? defaultTimeZone) : "—",
    },
    quote: extra.note ?? task.description ?? null,
    url: `${runtime.config.appOrigin}/staff/tasks/${task.id}`,
  });
  await queueEmail(db, runtime.jobs, { to: to.email, template, language, email, userId: to.id });
  return true;
}

export async function createTask(
  runtime: TaskRuntime,
  actor: StaffActor,
  input: {
    title: string;
    description: string | null;
    dueAt: Date | null;
    priority: TaskPriority;
    assigneeId: string | null;
    contactId: string | null;
    relatedType: string | null;
    relatedId: string | null;
  },
): Promise<Result<{ id: string }>> {
  return runtime.db.transaction(async (tx) => {
    const assigneeId = input.assigneeId ?? actor.userId;
    const to = await activeStaff(tx, assigneeId);
    if (!to) return { ok: false as const, error: "assigneeInvalid" as const };
    if (input.contactId) {
      const [contact] = await tx.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, input.contactId));
      if (!contact) return { ok: false as const, error: "contactNotFound" as const };
    }
    const [task] = await tx
      .insert(tasks)
      .values({
        title: input.title,
        description: input.description,
        dueAt: input.dueAt,
        priority: input.priority,
        assigneeId,
        createdBy: actor.userId,
        contactId: input.contactId,
        relatedType: input.relatedId ? input.relatedType : null,
        relatedId: input.relatedType ? input.relatedId : null,
      })
      .returning({ id: tasks.id, title: tasks.title, dueAt: tasks.dueAt, description: tasks.description });
    await audit(tx, actor, { action: "task.created", entityType: "task", entityId: task.id, data: { assigneeId } });
    if (assigneeId !== actor.userId) {
      const [me] = await tx.select({ name: users.name }).from(users).where(eq(users.id, actor.userId));
      await emailAssignee(tx, runtime, task, assigneeId, "tasks.assigned", { from: me?.name });
    }
    return { ok: true as const, id: task.id };
  });
}

const priorityRank = sql`case ${tasks.priority} when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`;

/**
 * "My tasks" (assigned to me) or the ones I delegated: overdue first, then by due time (no due
 * time last), then by priority.
 */
export async function listTasks(db: Database, actor: StaffActor, input: TaskListInput) {
  const conditions: SQL[] = [];
  if (input.view === "mine") conditions.push(eq(tasks.assigneeId, actor.userId));
  else conditions.push(eq(tasks.createdBy, actor.userId), ne(tasks.assigneeId, actor.userId));
  conditions.push(
    input.state === "active" ? inArray(tasks.status, [...activeTaskStatuses]) : notInArray(tasks.status, [...activeTaskStatuses]),
  );
  const rows = await db
    .select({
      id: tasks.id,
      title: tasks.title,
      priority: tasks.priority,
      status: tasks.status,
      dueAt: tasks.dueAt,
      completedAt: tasks.completedAt,
      overdue: overdueSql,
      contactId: tasks.contactId,
      contactName: contacts.fullName,
      relatedType: tasks.relatedType,
      relatedId: tasks.relatedId,
      assigneeName: assignee.name,
      createdByName: creator.name,
    })
    .from(tasks)
    .leftJoin(contacts, eq(contacts.id, tasks.contactId))
    .innerJoin(assignee, eq(assignee.id, tasks.assigneeId))
    .innerJoin(creator, eq(creator.id, tasks.createdBy))
    .where(and(...conditions))
    .orderBy(
      sql`case when ${overdueSql} then 0 else 1 end`,
      sql`${tasks.dueAt} asc nulls last`,
      priorityRank,
      asc(tasks.createdAt),
      asc(tasks.id),
    )
    .limit(taskPageSize + 1)
    .offset((input.page - 1) * taskPageSize);
  return { tasks: rows.slice(0, taskPageSize), hasNext: rows.length > taskPageSize };
}

/** Counts for the tabs: my active tasks and how many of them are overdue. */
export async function myTaskCounts(db: Database, actor: StaffActor) {
  const [row] = await db
    .select({
      active: sql<number>`count(*)::int`,
      overdue: sql<number>`count(*) filter (where ${overdueSql})::int`,
    })
    .from(tasks)
    .where(and(eq(tasks.assigneeId, actor.userId), inArray(tasks.status, [...activeTaskStatuses])));
  return { active: Number(row?.active ?? 0), overdue: Number(row?.overdue ?? 0) };
}

function visibleTo(actor: StaffActor) {
  return or(eq(tasks.assigneeId, actor.userId), eq(tasks.createdBy, actor.userId));
}

/** One task, if the actor is its assignee or its creator. */
export async function getTask(db: Database, actor: StaffActor, taskId: string) {
  if (!isUuid(taskId)) return null;
  const [task] = await db
    .select({
      id: tasks.id,
      title: tasks.title,
      description: tasks.description,
      priority: tasks.priority,
      status: tasks.status,
      dueAt: tasks.dueAt,
      remindedAt: tasks.remindedAt,
      completedAt: tasks.completedAt,
      createdAt: tasks.createdAt,
      overdue: overdueSql,
      contactId: tasks.contactId,
      contactName: contacts.fullName,
      relatedType: tasks.relatedType,
      relatedId: tasks.relatedId,
      assigneeId: tasks.assigneeId,
      assigneeName: assignee.name,
      createdBy: tasks.createdBy,
      createdByName: creator.name,
    })
    .from(tasks)
    .leftJoin(contacts, eq(contacts.id, tasks.contactId))
    .innerJoin(assignee, eq(assignee.id, tasks.assigneeId))
    .innerJoin(creator, eq(creator.id, tasks.createdBy))
    .where(and(eq(tasks.id, taskId), visibleTo(actor)));
  return task ?? null;
}

async function lockTask(tx: Database, actor: StaffActor, taskId: string) {
  if (!isUuid(taskId)) return null;
  const [task] = await tx.select().from(tasks).where(and(eq(tasks.id, taskId), visibleTo(actor))).for("update");
  return task ?? null;
}

/** Edits a task; a new due time means a new reminder. */
export async function updateTask(
  db: Database,
  actor: StaffActor,
  taskId: string,
  input: { title: string; description: string | null; dueAt: Date | null; priority: TaskPriority },
): Promise<Result> {
  return db.transaction(async (tx) => {
    const task = await lockTask(tx, actor, taskId);
    if (!task) return { ok: false as const, error: "notFound" as const };
    const dueChanged = (task.dueAt?.getTime() ?? null) !== (input.dueAt?.getTime() ?? null);
    await tx
      .update(tasks)
      .set({ ...input, updatedAt: new Date(), ...(dueChanged ? { remindedAt: null } : {}) })
      .where(eq(tasks.id, task.id));
    await audit(tx, actor, { action: "task.updated", entityType: "task", entityId: task.id, data: { dueChanged } });
    return { ok: true as const };
  });
}

/** Hands a task to a colleague, who is e-mailed and will get their own reminder. */
export async function delegateTask(
  runtime: TaskRuntime,
  actor: StaffActor,
  taskId: string,
  input: { assigneeId: string; note: string | null },
): Promise<Result> {
  return runtime.db.transaction(async (tx) => {
    const task = await lockTask(tx, actor, taskId);
    if (!task) return { ok: false as const, error: "notFound" as const };
    if (!(await activeStaff(tx, input.assigneeId))) return { ok: false as const, error: "assigneeInvalid" as const };
    if (task.assigneeId === input.assigneeId) return { ok: true as const };
    await tx.update(tasks).set({ assigneeId: input.assigneeId, remindedAt: null, updatedAt: new Date() }).where(eq(tasks.id, task.id));
    await audit(tx, actor, { action: "task.delegated", entityType: "task", entityId: task.id, data: { from: task.assigneeId, to: input.assigneeId } });
    if (input.assigneeId !== actor.userId) {
      const [me] = await tx.select({ name: users.name }).from(users).where(eq(users.id, actor.userId));
      await emailAssignee(tx, runtime, task, input.assigneeId, "tasks.assigned", { from: me?.name, note: input.note });
    }
    return { ok: true as const };
  });
}

export async function setTaskStatus(db: Database, actor: StaffActor, taskId: string, status: TaskStatus): Promise<Result> {
  return db.transaction(async (tx) => {
    const task = await lockTask(tx, actor, taskId);
    if (!task) return { ok: false as const, error: "notFound" as const };
    if (task.status === status) return { ok: true as const };
    const now = new Date();
    await tx
      .update(tasks)
      .set({ status, updatedAt: now, completedAt: status === "done" ? now : null })
      .where(eq(tasks.id, task.id));
    await audit(tx, actor, { action: "task.status_changed", entityType: "task", entityId: task.id, data: { from: task.status, to: status } });
    return { ok: true as const };
  });
}

