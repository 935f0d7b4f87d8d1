// Tasks through the routes, and the reminder job drained by hand.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, branches, messages, tasks, users } from "../../../db/schema/index.ts";
import { callRoute, createContact, createStaff, createTestApp, unwrap } from "../../../tests/support/test-app.ts";
import * as taskPage from "../../routes/staff/task.tsx";
import * as taskNew from "../../routes/staff/task-new.tsx";
import * as taskList from "../../routes/staff/tasks.tsx";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { instantToLocalInput as instantToLocal, parseLocalDateTime as localToInstant } from "../time/local-time.ts";
import { taskReminderQueue } from "./task-reminders.server.ts";

let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: AppRuntime;
let rina: Awaited<ReturnType<typeof createStaff>>;
let dewi: Awaited<ReturnType<typeof createStaff>>;
let yusuf: Awaited<ReturnType<typeof createStaff>>;

beforeAll(async () => {
  app = await createTestApp();
  runtime = app.runtime;
  rina = await createStaff(runtime, { roles: ["agent"], name: "Rina Marlina" });
  dewi = await createStaff(runtime, { roles: ["agent"], name: "Dewi Lestari" });
  yusuf = await createStaff(runtime, { roles: ["marketing"], name: "Yusuf Hidayat" });
});
afterAll(() => app?.close());

function location(response: unknown) {
  expect(response).toBeInstanceOf(Response);
  return (response as Response).headers.get("Location") ?? "";
}

async function createTask(cookie: string, form: Record<string, string>) {
  const response = await callRoute(runtime, taskNew.action, { path: "/staff/tasks/new", cookie, form: { intent: "create", priority: "normal", ...form } });
  const id = location(response).match(/\/staff\/tasks\/([0-9a-f-]{36})\?created=1$/)?.[1];
  if (!id) throw new Error(`task not created: ${JSON.stringify(unwrap(response).data)}`);
  return id;
}

async function taskRow(id: string) {
  const [row] = await runtime.db.select().from(tasks).where(eq(tasks.id, id));
  return row;
}

/** A datetime-local value `hours` from now, in WIB. */
function wib(hours: number) {
  return instantToLocal(new Date(Date.now() + hours * 3600_000), "Asia/Jakarta");
}

describe("due times typed in the branch zone", () => {
  it("converts WIB, WITA and WIT exactly and rejects impossible dates", () => {
    expect(localToInstant("2026-12-01T14:30", "Asia/Jakarta")?.toISOString()).toBe("2026-12-01T07:30:00.000Z");
    expect(localToInstant("2026-12-01T14:30", "Asia/Makassar")?.toISOString()).toBe("2026-12-01T06:30:00.000Z");
    expect(localToInstant("2026-12-01T00:30", "Asia/Jayapura")?.toISOString()).toBe("2026-11-30T15:30:00.000Z");
    expect(localToInstant("2026-02-31T10:00", "Asia/Jakarta")).toBeNull();
    expect(localToInstant("2026-12-01T25:00", "Asia/Jakarta")).toBeNull();
    expect(instantToLocal("2026-12-01T07:30:00.000Z", "Asia/Jakarta")).toBe("2026-12-01T14:30");
  });

  it("reads the due time in the creator's branch zone", async () => {
    const [branch] = await runtime.db.insert(branches).values({ code: "TRK-DPS", name: "Toko Denpasar", kind: "store", timeZone: "Asia/Makassar" }).returning();
    const bali = await createStaff(runtime, { roles: ["agent"] });
    await runtime.db.update(users).set({ branchId: branch.id }).where(eq(users.id, bali.id));
    const id = await createTask(bali.cookie, { title: "Telepon pemasok", dueAt: "2030-03-01T09:00" });
    expect((await taskRow(id)).dueAt?.toISOString()).toBe("2030-03-01T01:00:00.000Z");
  });
});

describe("creating and delegating tasks", () => {
  it("assigns a task to a colleague: audited and e-mailed to them", async () => {
    const contact = await createContact(runtime, { fullName: "Budi Santoso" });
    const id = await createTask(rina.cookie, {
      title: "Hubungi pasien soal hasil lab",
      description: "Hasil lab sudah keluar.",
      dueAt: wib(24),
      priority: "high",
      assigneeId: dewi.id,
      contactId: contact.id,
      relatedType: "ticket",
      relatedId: "00000000-0000-4000-8000-000000000001",
    });
    const task = await taskRow(id);
    expect(task).toMatchObject({ assigneeId: dewi.id, createdBy: rina.id, contactId: contact.id, priority: "high", status: "open", relatedType: "ticket" });
    const [entry] = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "task.created"), eq(auditLog.entityId, id)));
    expect(entry.actorUserId).toBe(rina.id);
    const [mail] = await runtime.db.select().from(messages).where(and(eq(messages.recipient, dewi.email), eq(messages.template, "tasks.assigned")));
    expect(mail.subject).toBe("Tugas dari Rina Marlina: Hubungi pasien soal hasil lab");
    expect(mail.bodyText).toContain(`/staff/tasks/${id}`);
  });

  it("refuses a bad due time, an unknown assignee and a non-staff assignee", async () => {
    const bad = unwrap(await callRoute(runtime, taskNew.action, { path: "/staff/tasks/new", cookie: rina.cookie, form: { intent: "create", title: "Tugas", priority: "normal", dueAt: "besok" } }));
    expect(bad.status).toBe(400);
    expect((bad.data as { error: Record<string, string[]> }).error.dueAt).toEqual(["validation.date"]);
    const nobody = unwrap(
      await callRoute(runtime, taskNew.action, {
        path: "/staff/tasks/new",
        cookie: rina.cookie,
        form: { intent: "create", title: "Tugas", priority: "normal", assigneeId: "00000000-0000-4000-8000-000000000000" },
      }),
    );
    expect((nobody.data as { error: Record<string, string[]> }).error.assigneeId).toEqual(["staff:tasks.errors.assigneeInvalid"]);
  });

  it("delegates: audited with from and to, the new assignee is e-mailed and gets a fresh reminder", async () => {
    const id = await createTask(rina.cookie, { title: "Siapkan laporan bulanan", dueAt: wib(0.5) });
    await runtime.db.update(tasks).set({ remindedAt: new Date() }).where(eq(tasks.id, id));
    const result = unwrap(
      await callRoute(runtime, taskPage.action, { path: `/staff/tasks/${id}`, cookie: rina.cookie, params: { taskId: id }, form: { intent: "delegate", assigneeId: dewi.id, note: "Tolong ya" } }),
    );
    expect(result.status).toBe(200);
    const task = await taskRow(id);
    expect(task.assigneeId).toBe(dewi.id);
    expect(task.remindedAt).toBeNull();
    const [entry] = await runtime.db.select().from(auditLog).where(and(eq(auditLog.action, "task.delegated"), eq(auditLog.entityId, id)));
    expect(entry.data).toEqual({ from: rina.id, to: dewi.id });
    const mails = await runtime.db.select().from(messages).where(and(eq(messages.recipient, dewi.email), eq(messages.template, "tasks.assigned")));
    expect(mails.some((m) => m.bodyText?.includes("Tolong ya"))).toBe(true);
    // the creator still sees it among the tasks they delegated
    const delegated = unwrap(await callRoute(runtime, taskList.loader, { path: "/staff/tasks?view=delegated", cookie: rina.cookie })).data as { tasks: { id: string }[] };
    expect(delegated.tasks.map((t) => t.id)).toContain(id);
  });
});

describe("my tasks", () => {
  it("lists overdue first, then by due time, undated last", async () => {
    const me = await createStaff(runtime, { roles: ["agent"] });
    const later = await createTask(me.cookie, { title: "Lusa", dueAt: wib(48) });
    const undated = await createTask(me.cookie, { title: "Kapan saja" });
    const overdue = await createTask(me.cookie, { title: "Kemarin", dueAt: wib(-24) });
    const soon = await createTask(me.cookie, { title: "Besok", dueAt: wib(24) });
    const done = await createTask(me.cookie, { title: "Sudah", dueAt: wib(-48) });
    await callRoute(runtime, taskList.action, { path: "/staff/tasks", cookie: me.cookie, form: { intent: "status", taskId: done, status: "done" } });
    const page = unwrap(await callRoute(runtime, taskList.loader, { path: "/staff/tasks", cookie: me.cookie })).data as {
      tasks: { id: string; overdue: boolean }[];
      counts: { active: number; overdue: number };
    };
    expect(page.tasks.map((t) => t.id)).toEqual([overdue, soon, later, undated]);
    expect(page.tasks[0].overdue).toBe(true);
    expect(page.counts).toEqual({ active: 4, overdue: 1 });
    const finished = unwrap(await callRoute(runtime, taskList.loader, { path: "/staff/tasks?state=done", cookie: me.cookie })).data as { tasks: { id: string }[] };
    expect(finished.tasks.map((t) => t.id)).toEqual([done]);
    expect((await taskRow(done)).completedAt).not.toBeNull();
  });

  it("never lets another colleague see or change a task that is not theirs", async () => {
    const id = await createTask(rina.cookie, { title: "Rahasia Rina", dueAt: wib(5) });
    const path = `/staff/tasks/${id}`;
    expect(unwrap(await callRoute(runtime, taskPage.loader, { path, cookie: yusuf.cookie, params: { taskId: id } })).status).toBe(404);
    const attempts: Record<string, string>[] = [
      { intent: "update", title: "Diubah orang lain", priority: "low" },
      { intent: "delegate", assigneeId: yusuf.id },
      { intent: "status", status: "cancelled" },
    ];
    for (const form of attempts) {
      expect(unwrap(await callRoute(runtime, taskPage.action, { path, cookie: yusuf.cookie, params: { taskId: id }, form })).status).toBe(404);
    }
    expect(unwrap(await callRoute(runtime, taskList.action, { path: "/staff/tasks", cookie: yusuf.cookie, form: { intent: "status", taskId: id, status: "done" } })).status).toBe(404);
    expect(await taskRow(id)).toMatchObject({ title: "Rahasia Rina", assigneeId: rina.id, status: "open" });
    const list = unwrap(await callRoute(runtime, taskList.loader, { path: "/staff/tasks", cookie: yusuf.cookie })).data as { tasks: { id: string }[] };
    expect(list.tasks.map((t) => t.id)).not.toContain(id);
  });

  it("is only for staff holding core.task.manage", async () => {
    const noRoles = await createStaff(runtime, { roles: [] });
    expect(unwrap(await callRoute(runtime, taskList.loader, { path: "/staff/tasks", cookie: noRoles.cookie })).status).toBe(403);
    expect(unwrap(await callRoute(runtime, taskNew.action, { path: "/staff/tasks/new", cookie: noRoles.cookie, form: { intent: "create", title: "x", priority: "normal" } })).status).toBe(403);
    expect(location(await callRoute(runtime, taskList.loader, { path: "/staff/tasks" }))).toContain("/staff/login");
  });
});

describe("task reminders", () => {
  async function reminders(to: string) {
    return runtime.db.select().from(messages).where(and(eq(messages.recipient, to), eq(messages.template, "tasks.reminder")));
  }
  async function runJob() {
    await runtime.jobs.send(taskReminderQueue, {});
    return runtime.jobs.drain(taskReminderQueue);
  }

  it("e-mails the assignee once, an hour before the due time", async () => {
    const me = await createStaff(runtime, { roles: ["agent"] });
    const dueSoon = await createTask(me.cookie, { title: "Rapat dengan vendor", dueAt: wib(0.5) });
    const dueLater = await createTask(me.cookie, { title: "Minggu depan", dueAt: wib(72) });
    const finished = await createTask(me.cookie, { title: "Sudah selesai", dueAt: wib(0.25) });
    await callRoute(runtime, taskPage.action, { path: `/staff/tasks/${finished}`, cookie: me.cookie, params: { taskId: finished }, form: { intent: "status", status: "done" } });

    await runJob();
    await runJob();
    const sent = await reminders(me.email);
    expect(sent).toHaveLength(1);
    expect(sent[0].subject).toContain("Rapat dengan vendor");
    expect(sent[0].subject).toContain("WIB");
    expect((await taskRow(dueSoon)).remindedAt).not.toBeNull();
    expect((await taskRow(dueLater)).remindedAt).toBeNull();
    expect((await taskRow(finished)).remindedAt).toBeNull();

    // a new due time means a new reminder
    const moved = unwrap(
      await callRoute(runtime, taskPage.action, {
        path: `/staff/tasks/${dueSoon}`,
        cookie: me.cookie,
        params: { taskId: dueSoon },
        form: { intent: "update", title: "Rapat dengan vendor", priority: "normal", dueAt: wib(0.75) },
      }),
    );
    expect(moved.status).toBe(200);
    expect((await taskRow(dueSoon)).remindedAt).toBeNull();
    await runJob();
    expect(await reminders(me.email)).toHaveLength(2);
  });
});
