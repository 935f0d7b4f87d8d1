import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { formatDateTime } from "../../core/i18n/format.ts";
import { taskListSchema, taskStatusSchema } from "../../core/tasks/task-forms.ts";
import { listTasks, myTaskCounts, setTaskStatus } from "../../core/tasks/tasks.server.ts";
import { staffTimeZone } from "../../core/time/zones.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { RelatedLink } from "../../ui/tasks.tsx";
import { PriorityBadge } from "../../ui/tickets.tsx";
import { titleMeta } from "../../core/i18n/page-title.ts";
import { pageTitle } from "../../core/i18n/i18n.server.ts";

export const meta = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.task.manage");
  const input = taskListSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const db = context.runtime.db;
  return {
    title: pageTitle(context.language, "staff:tasks.title"),
    ...(await listTasks(db, actor, input)),
    counts: await myTaskCounts(db, actor),
    input,
    timeZone: await staffTimeZone(db, actor),
    language: context.language,
  };
}

/** The list's "done" button; everything else happens on the task's page. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.task.manage");
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: taskStatusSchema });
  if (submission.status !== "success") return data({ ok: false }, { status: 400 });
  const result = await setTaskStatus(context.runtime.db, actor, String(formData.get("taskId") ?? ""), submission.value.status);
  if (!result.ok) notFound();
  return { ok: true };
}

export default function StaffTasks() {
  const { tasks, hasNext, counts, input, timeZone, language } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation("staff");
  const tab = (view: string, state: string) => `/staff/tasks?${new URLSearchParams({ view, state }).toString()}`;
  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(page));
    return `?${next.toString()}`;
  };
  const isTab = (view: string, state: string) => input.view === view && input.state === state;
  return (
    <>
      <PageHeader title={t("tasks.title")}>
        <Link to="/staff/tasks/new" className="button">
          {t("tasks.newButton")}
        </Link>
      </PageHeader>
      <p className="muted">
        {t("tasks.summary", { count: counts.active })}
        {counts.overdue ? (
          <>
            {" "}
            <span className="badge danger">{t("tasks.overdueCount", { count: counts.overdue })}</span>
          </>
        ) : null}
      </p>
      <nav className="tabs" aria-label={t("tasks.tabs.label")}>
        <Link to={tab("mine", "active")} aria-current={isTab("mine", "active") ? "page" : undefined}>
          {t("tasks.tabs.mine")}
        </Link>
        <Link to={tab("delegated", "active")} aria-current={isTab("delegated", "active") ? "page" : undefined}>
          {t("tasks.tabs.delegated")}
        </Link>
        <Link to={tab(input.view, "done")} aria-current={input.state === "done" ? "page" : undefined}>
          {t("tasks.tabs.done")}
        </Link>
      </nav>
      {tasks.length === 0 ? (
        <p className="card muted">{t(input.state === "done" ? "tasks.emptyDone" : "tasks.empty")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("tasks.columns.title")}</th>
              <th>{t("tasks.columns.due")}</th>
              <th>{t("tasks.columns.priority")}</th>
              <th>{t(input.view === "mine" ? "tasks.columns.from" : "tasks.columns.assignee")}</th>
              <th>{t("tasks.columns.about")}</th>
              {input.state === "active" ? <th>{t("tasks.columns.actions")}</th> : <th>{t("tasks.columns.status")}</th>}
            </tr>
          </thead>
          <tbody>
            {tasks.map((task) => (
              <tr key={task.id} className={task.overdue ? "overdue" : undefined}>
                <td data-label={t("tasks.columns.title")}>
                  <Link to={`/staff/tasks/${task.id}`}>{task.title}</Link>
                </td>
                <td data-label={t("tasks.columns.due")}>
                  {task.dueAt ? formatDateTime(task.dueAt, language, timeZone) : <span className="muted">{t("tasks.noDue")}</span>}
                  {task.overdue ? (
                    <>
                      {" "}
                      <span className="badge danger">{t("tasks.overdue")}</span>
                    </>
                  ) : null}
                </td>
                <td data-label={t("tasks.columns.priority")}>
                  <PriorityBadge priority={task.priority} t={t} />
                </td>
                <td data-label={t(input.view === "mine" ? "tasks.columns.from" : "tasks.columns.assignee")}>
                  {input.view === "mine" ? task.createdByName : task.assigneeName}
                </td>
                <td data-label={t("tasks.columns.about")}>
                  <RelatedLink task={task} t={t} />
                </td>
                {input.state === "active" ? (
                  <td data-label={t("tasks.columns.actions")}>
                    <Form method="post">
                      <input type="hidden" name="intent" value="status" />
                      <input type="hidden" name="taskId" value={task.id} />
                      <input type="hidden" name="status" value="done" />
                      <button type="submit" className="link-button">
                        {t("tasks.markDone")}
                      </button>
                    </Form>
                  </td>
                ) : (
                  <td data-label={t("tasks.columns.status")}>{t(`tasks.statuses.${task.status}`)}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={t("tasks.pager")}>
        {input.page > 1 ? <Link to={pageLink(input.page - 1)}>{t("common:actions.previous")}</Link> : <span />}
        {hasNext ? <Link to={pageLink(input.page + 1)}>{t("common:actions.next")}</Link> : null}
      </nav>
    </>
  );
}
