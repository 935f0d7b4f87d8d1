import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { forbidden, hasPermission, notFound, requireStaff } from "../../core/auth/guards.server.ts";
import { consentPurposeValues, recordConsentSchema } from "../../core/consents/consent-forms.ts";
import { loadContact360, loadContactPanels, recordConsentInPerson } from "../../core/contacts/contact-360.server.ts";
import { contactVisibleTo } from "../../core/contacts/hospital-relationship.server.ts";
import { listTimeline } from "../../core/contacts/timeline.server.ts";
import { formatDate, formatDateTime, formatLocalDate } from "../../core/i18n/format.ts";
import { isUuid } from "../../core/validation/ids.ts";
import { zoneAbbreviation } from "../../core/time/local-time.ts";
import { fixedT } from "../../core/i18n/i18n.server.ts";
import { formatPhone } from "../../core/i18n/phone.ts";
import { interactionDirectionValues, loggableChannels, logInteractionSchema } from "../../core/interactions/interaction-forms.ts";
import { logInteraction } from "../../core/interactions/interaction-logging.server.ts";
import { FieldErrors, FormAlert, SelectField, TextField } from "../../ui/form-field.tsx";
import { PanelCard } from "../../ui/panel-view.tsx";
import { contactScores, snapshotRun } from "../../core/analytics/rfm-reading.server.ts";
import { analyticsScoresPermission } from "../../core/analytics/rfm-snapshots.server.ts";
import { ScorePanel } from "../../core/analytics/rfm-view.tsx";
import { contactScorePanel } from "../../core/analytics/rfm-views.server.ts";
import { PageHeader } from "../../ui/portal-shell.tsx";
import { knownChannels, Timeline } from "../../ui/timeline.tsx";
import { withAppName } from "../../core/i18n/page-title.ts";

export const handle = { i18n: ["analytics"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: withAppName(data?.contact.fullName) }];

function timelineChannel(value: string | null) {
  return value && /^[a-z][a-z0-9_.-]{0,39}$/.test(value) ? value : undefined;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.contact.read");
  const { runtime, language } = context;
  const url = new URL(request.url);
  // a patient is not found for staff who may not read patients (a store cashier)
  const visible = isUuid(params.contactId ?? "") && (await contactVisibleTo(runtime, actor, params.contactId ?? ""));
  const found = visible ? await loadContact360(runtime.db, actor, params.contactId ?? "", { ip: context.clientIp }) : null;
  if (!found) notFound();
  // a merged duplicate lives on in the record it was merged into
  if (found.kind === "merged") throw redirect(`/staff/contacts/${found.keptId}`);

  const enabled = await runtime.registry.enabledPluginIds(runtime.db);
  const pluginT = (pluginId: string) => fixedT(language, pluginId);
  const channel = timelineChannel(url.searchParams.get("channel"));
  const [timeline, panels] = await Promise.all([
    listTimeline(
      runtime.db,
      actor,
      { contactId: found.contact.id, channel, after: url.searchParams.get("before"), timeZone: found.timeZone },
      { sources: runtime.registry.timelineSources(enabled, actor.permissions), language, t: pluginT, logger: runtime.logger },
    ),
    loadContactPanels(runtime.registry.contactPanels(enabled, actor.permissions), found.contact.id, {
      db: runtime.db,
      actor,
      language,
      t: pluginT,
      logger: runtime.logger,
    }),
  ]);
  // customer scores are profiling (UU PDP): only with their own permission
  const scorePanel = actor.permissions.has(analyticsScoresPermission)
    ? contactScorePanel(...(await Promise.all([contactScores(runtime.db, found.contact.id), snapshotRun(runtime.db)])), language)
    : null;
  return {
    ...found,
    timeline,
    panels,
    scorePanel,
    channel: channel ?? "",
    language,
    can: {
      manage: hasPermission(context.auth, "core.contact.manage"),
      log: hasPermission(context.auth, "core.interaction.log"),
      tasks: hasPermission(context.auth, "core.task.manage"),
      tickets: hasPermission(context.auth, "core.ticket.manage"),
    },
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { actor } = requireStaff(context, request, "core.contact.read");
  const contactId = params.contactId ?? "";
  if (!isUuid(contactId) || !(await contactVisibleTo(context.runtime, actor, contactId))) notFound();
  const formData = await request.formData();
  const intent = formData.get("intent");
  const db = context.runtime.db;

  if (intent === "log-interaction") {
    if (!actor.permissions.has("core.interaction.log")) forbidden();
    const submission = parseWithZod(formData, { schema: logInteractionSchema });
    if (submission.status !== "success") return data({ intent, result: submission.reply(), done: false }, { status: 400 });
    const { intent: _intent, ...input } = submission.value;
    const result = await logInteraction(db, actor, contactId, input);
    if (!result.ok) {
      if (result.error === "notFound") notFound();
      return data({ intent, result: submission.reply({ fieldErrors: { occurredAt: ["staff:contact360.log.errors.future"] } }), done: false }, { status: 400 });
    }
    return { intent, result: submission.reply({ resetForm: true }), done: true };
  }

  if (intent === "record-consent") {
    if (!actor.permissions.has("core.contact.manage")) forbidden();
    const submission = parseWithZod(formData, { schema: recordConsentSchema });
    if (submission.status !== "success") return data({ intent, result: submission.reply(), done: false }, { status: 400 });
    const result = await recordConsentInPerson(db, actor, contactId, submission.value);
    if (!result.ok) notFound();
    return { intent, result: submission.reply({ resetForm: true }), done: true };
  }

  return data({ intent: null, result: null, done: false }, { status: 400 });
}

export default function Contact360Page() {
  const loaded = useLoaderData<typeof loader>();
  const { contact, identifiers, consents, openTasks, openTickets, answeredSurveys, timeline, panels, scorePanel, channel, language, can, timeZone } = loaded;
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const { t } = useTranslation("staff");
  const busy = navigation.state === "submitting";
  const notice = ["created", "saved"].find((n) => n === params.get("notice"));

  const [logForm, logFields] = useForm({
    id: "log-interaction",
    lastResult: actionData?.intent === "log-interaction" ? actionData.result : undefined,
    constraint: getZodConstraint(logInteractionSchema),
    defaultValue: { channel: "call", direction: "inbound" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: logInteractionSchema }),
    shouldValidate: "onBlur",
  });
  const [consentForm, consentFields] = useForm({
    id: "record-consent",
    lastResult: actionData?.intent === "record-consent" ? actionData.result : undefined,
    constraint: getZodConstraint(recordConsentSchema),
    defaultValue: { purpose: "service_messages", granted: "granted" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: recordConsentSchema }),
  });

  const olderParams = new URLSearchParams();
  if (channel) olderParams.set("channel", channel);
  const newestHref = `?${olderParams}`;
  if (timeline.next) olderParams.set("before", timeline.next);
  const fmtDateTime = (value: Date | string) => formatDateTime(value, language, timeZone);
  const dash = "—";

  return (
    <>
      <p>
        <Link to="/staff/contacts">← {t("contact360.back")}</Link>
      </p>
      <PageHeader title={contact.fullName}>
        <span className="badge">{t(`contacts.stages.${contact.lifecycleStage}`)}</span>
        {contact.blacklisted ? <span className="badge warn">{t("contacts.blacklisted")}</span> : null}
        {can.manage ? (
          <Link className="button secondary" to={`/staff/contacts/${contact.id}/edit`}>
            {t("contact360.edit")}
          </Link>
        ) : null}
      </PageHeader>
      {notice ? (
        <div className="alert success" role="status">
          {t(`contacts.form.${notice}`)}
        </div>
      ) : null}
      {contact.blacklisted ? (
        <div className="alert warn" role="status">
          {t("contact360.blacklisted", { reason: contact.blacklistReason ?? dash })}
        </div>
      ) : null}

      {/* one column on phones (profile, open work, timeline first); two from desktops up */}
      <div className="c360">
        <div className="c360-side">
          <section className="card c360-profile" aria-labelledby="profile-title">
            <h2 id="profile-title">{t("contact360.profile")}</h2>
            <dl className="details">
              <div><dt>{t("contact360.fields.phone")}</dt><dd>{contact.phone ? <a href={`tel:${contact.phone}`}>{formatPhone(contact.phone)}</a> : dash}</dd></div>
              <div><dt>{t("contact360.fields.email")}</dt><dd>{contact.email ? <a href={`mailto:${contact.email}`}>{contact.email}</a> : dash}</dd></div>
              <div><dt>{t("contact360.fields.birthDate")}</dt><dd>{contact.birthDate ? formatLocalDate(contact.birthDate, language) : dash}</dd></div>
              <div><dt>{t("contact360.fields.gender")}</dt><dd>{contact.gender ? t(`contacts.genders.${contact.gender}`) : dash}</dd></div>
              <div><dt>{t("contact360.fields.address")}</dt><dd>{[contact.address, contact.city].filter(Boolean).join(", ") || dash}</dd></div>
              <div><dt>{t("contact360.fields.channel")}</dt><dd>{t(`contacts.channels.${contact.preferredChannel}`)}</dd></div>
              <div><dt>{t("contact360.fields.language")}</dt><dd>{t(`contacts.locales.${contact.preferredLocale}`)}</dd></div>
              <div><dt>{t("contact360.fields.owner")}</dt><dd>{contact.ownerName ?? dash}</dd></div>
              <div><dt>{t("contact360.fields.branch")}</dt><dd>{contact.branchName ?? dash}</dd></div>
              <div>
                <dt>{t("contact360.fields.tags")}</dt>
                <dd>{contact.tags.length ? contact.tags.map((tag) => <span key={tag} className="badge tag">{tag}</span>) : dash}</dd>
              </div>
              <div><dt>{t("contact360.fields.since")}</dt><dd>{formatDate(contact.createdAt, language, timeZone)}</dd></div>
            </dl>
          </section>
          <section className="card c360-ids" aria-labelledby="identifiers-title">
            <h2 id="identifiers-title">{t("contact360.identifiers.title")}</h2>
            {identifiers.length === 0 ? (
              <p className="muted">{t("contact360.identifiers.empty")}</p>
            ) : (
              <dl className="details">
                {identifiers.map((i) => (
                  <div key={i.id}>
                    <dt>{t(`contacts.identifierSystems.${i.system}`)}</dt>
                    <dd className="mono">{i.value}</dd>
                  </div>
                ))}
              </dl>
            )}
          </section>
          <section className="card c360-consents" aria-labelledby="consents-title">
            <h2 id="consents-title">{t("consents.title")}</h2>
            <ul className="plain-list">
              {consents.map((c) => (
                <li key={c.purpose}>
                  <span>{t(`consents.purposes.${c.purpose}`)}</span>{" "}
                  {c.granted === null ? (
                    <span className="badge off">{t("consents.status.unknown")}</span>
                  ) : c.granted ? (
                    <span className="badge ok">{t("consents.status.granted")}</span>
                  ) : (
                    <span className="badge warn">{t("consents.status.withdrawn")}</span>
                  )}
                  {c.updatedAt && c.source ? (
                    <small className="muted block">{t("consents.updated", { when: fmtDateTime(c.updatedAt), source: t(`consents.sources.${c.source}`) })}</small>
                  ) : null}
                </li>
              ))}
            </ul>
            {can.manage ? (
              <details className="inline-form" open={actionData?.intent === "record-consent" && !actionData.done}>
                <summary>{t("consents.record.title")}</summary>
                <p className="hint muted">{t("consents.record.hint")}</p>
                {actionData?.intent === "record-consent" && actionData.done ? (
                  <div className="alert success" role="status">
                    {t("consents.record.recorded")}
                  </div>
                ) : null}
                <FormAlert errors={consentForm.errors} />
                <Form method="post" className="stack" {...getFormProps(consentForm)}>
                  <input type="hidden" name="intent" value="record-consent" />
                  <SelectField
                    field={consentFields.purpose}
                    label={t("consents.record.purpose")}
                    options={consentPurposeValues.map((p) => ({ value: p, label: t(`consents.purposes.${p}`) }))}
                  />
                  <SelectField
                    field={consentFields.granted}
                    label={t("consents.record.answer")}
                    options={[
                      { value: "granted", label: t("consents.record.granted") },
                      { value: "withdrawn", label: t("consents.record.withdrawn") },
                    ]}
                  />
                  <button type="submit" className="secondary" disabled={busy}>
                    {t("consents.record.submit")}
                  </button>
                </Form>
              </details>
            ) : null}
          </section>
          {scorePanel ? <ScorePanel view={scorePanel} moreHref="/staff/analytics" /> : null}
          {panels.length ? (
            <section className="c360-panels" aria-label={t("contact360.panels")}>
              {panels.map((p) => (
                <PanelCard key={p.id} view={p.view} />
              ))}
            </section>
          ) : null}
        </div>
        <div className="c360-main">
          <div className="grid three c360-work">
            <section className="card" aria-labelledby="tasks-title">
              <h2 id="tasks-title">{t("contact360.tasks.title")}</h2>
              {can.tasks ? (
                <p className="card-action">
                  <Link to={`/staff/tasks/new?contactId=${contact.id}`}>{t("contact360.tasks.new")}</Link>
                </p>
              ) : null}
              {openTasks.length === 0 ? (
                <p className="muted">{t("contact360.tasks.empty")}</p>
              ) : (
                <ul className="plain-list">
                  {openTasks.map((task) => (
                    <li key={task.id}>
                      {can.tasks ? <Link to={`/staff/tasks/${task.id}`}>{task.title}</Link> : task.title}{" "}
                      {task.overdue ? <span className="badge warn">{t("contact360.tasks.overdue")}</span> : null}
                      <small className="muted block">
                        {task.dueAt ? t("contact360.tasks.due", { when: fmtDateTime(task.dueAt) }) : t("contact360.tasks.noDue")} ·{" "}
                        {t(`contact360.priorities.${task.priority}`)}
                        {task.assigneeName ? ` · ${t("contact360.tasks.assignee", { name: task.assigneeName })}` : ""}
                      </small>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            {openTickets ? (
              <section className="card" aria-labelledby="tickets-title">
                <h2 id="tickets-title">{t("contact360.tickets.title")}</h2>
                {can.tickets ? (
                  <p className="card-action">
                    <Link to={`/staff/tickets/new?contactId=${contact.id}`}>{t("contact360.tickets.new")}</Link>
                  </p>
                ) : null}
                {openTickets.length === 0 ? (
                  <p className="muted">{t("contact360.tickets.empty")}</p>
                ) : (
                  <ul className="plain-list">
                    {openTickets.map((ticket) => (
                      <li key={ticket.id}>
                        <Link to={`/staff/tickets/${ticket.id}`}>
                          <span className="mono">{ticket.number}</span> {ticket.subject}
                        </Link>{" "}
                        {ticket.breached ? <span className="badge warn">{t("contact360.tickets.breached")}</span> : null}
                        <small className="muted block">
                          {t(`contact360.statuses.${ticket.status}`)} · {t(`contact360.priorities.${ticket.priority}`)} ·{" "}
                          {t("contact360.tickets.sla", { when: fmtDateTime(ticket.slaDueAt) })}
                        </small>
                      </li>
                    ))}
                  </ul>
                )}
                <p className="card-footer-link">
                  <Link to={`/staff/tickets?contact=${contact.id}`}>{t("contact360.tickets.all")}</Link>
                </p>
              </section>
            ) : null}
            {answeredSurveys ? (
              <section className="card" aria-labelledby="surveys-title">
                <h2 id="surveys-title">{t("contact360.surveys.title")}</h2>
                {answeredSurveys.length === 0 ? (
                  <p className="muted">{t("contact360.surveys.empty")}</p>
                ) : (
                  <ul className="plain-list">
                    {answeredSurveys.map((s) => (
                      <li key={s.id}>
                        {s.rating ? <span className={`badge ${s.rating === "poor" ? "warn" : "ok"}`}>{t(`contact360.ratings.${s.rating}`)}</span> : null}{" "}
                        {s.comment ? <q>{s.comment}</q> : null}
                        <small className="muted block">{t("contact360.surveys.answered", { when: fmtDateTime(s.answeredAt) })}</small>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            ) : null}
          </div>
          <section className="card c360-timeline" aria-labelledby="timeline-title" id="timeline">
            <div className="page-header">
              <h2 id="timeline-title">{t("timeline.title")}</h2>
              <Form method="get" className="toolbar compact" preventScrollReset aria-label={t("timeline.channel")}>
                <div className="field">
                  <label htmlFor="channel">{t("timeline.channel")}</label>
                  <select id="channel" name="channel" defaultValue={channel}>
                    <option value="">{t("timeline.allChannels")}</option>
                    {knownChannels.map((c) => (
                      <option key={c} value={c}>
                        {t(`timeline.channels.${c}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="submit" className="secondary">
                  {t("timeline.filter")}
                </button>
              </Form>
            </div>

            {can.log ? (
              <details className="inline-form" open={actionData?.intent === "log-interaction" && !actionData.done}>
                <summary>{t("contact360.log.title")}</summary>
                {actionData?.intent === "log-interaction" && actionData.done ? (
                  <div className="alert success" role="status">
                    {t("contact360.log.logged")}
                  </div>
                ) : null}
                <FormAlert errors={logForm.errors} />
                <Form method="post" className="stack" {...getFormProps(logForm)}>
                  <input type="hidden" name="intent" value="log-interaction" />
                  <div className="grid three">
                    <SelectField
                      field={logFields.channel}
                      label={t("contact360.log.channel")}
                      options={loggableChannels.map((c) => ({ value: c, label: t(`timeline.channels.${c}`) }))}
                    />
                    <SelectField
                      field={logFields.direction}
                      label={t("contact360.log.direction")}
                      options={interactionDirectionValues.map((d) => ({ value: d, label: t(`contact360.directions.${d}`) }))}
                    />
                    <div className="field">
                      <label htmlFor={logFields.occurredAt.id}>{t("contact360.log.occurredAt")}</label>
                      <input
                        {...getInputProps(logFields.occurredAt, { type: "datetime-local", ariaAttributes: true })}
                        key={logFields.occurredAt.key}
                        aria-describedby={`${logFields.occurredAt.id}-hint ${logFields.occurredAt.errorId}`}
                      />
                      <p className="hint" id={`${logFields.occurredAt.id}-hint`}>
                        {t("contact360.log.occurredAtHint", { zone: zoneAbbreviation(timeZone) })}
                      </p>
                      <FieldErrors id={logFields.occurredAt.errorId} errors={logFields.occurredAt.errors} />
                    </div>
                  </div>
                  <TextField field={logFields.subject} label={t("contact360.log.subject")} inputProps={{ placeholder: t("contact360.log.subjectPlaceholder") }} />
                  <div className="field">
                    <label htmlFor={logFields.body.id}>{t("contact360.log.body")}</label>
                    <textarea {...getTextareaProps(logFields.body)} key={logFields.body.key} rows={3} />
                    <FieldErrors id={logFields.body.errorId} errors={logFields.body.errors} />
                  </div>
                  <button type="submit" className="primary" disabled={busy}>
                    {t("contact360.log.submit")}
                  </button>
                </Form>
              </details>
            ) : null}

            <Timeline items={timeline.items} language={language} emptyText={channel ? t("timeline.emptyFiltered") : t("timeline.empty")} />
            <nav className="pager" aria-label={t("timeline.pagination")}>
              {params.get("before") ? (
                <Link to={`${newestHref}#timeline`} preventScrollReset>
                  {t("timeline.newest")}
                </Link>
              ) : (
                <span />
              )}
              {timeline.next ? (
                <Link to={`?${olderParams}#timeline`} preventScrollReset>
                  {t("timeline.older")}
                </Link>
              ) : null}
            </nav>
          </section>
        </div>
      </div>
    </>
  );
}
