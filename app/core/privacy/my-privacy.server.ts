// "Privasi & data saya" for whoever signs in for themselves: a patient or shopper in /portal, a
// partner user in /partner. One domain for both pages; a partner user has an account but no
// contact record, so only what exists for them is offered (no consents or profiling then).
import type { Database } from "../../../db/client.ts";
import { consentsOf, setConsent } from "../consents/consents.server.ts";
import { patientBundle } from "../fhir/patient-bundle.server.ts";
import type { Language } from "../i18n/languages.ts";
import type { Actor } from "../plugins/contract.ts";
import type { AppRuntime } from "../runtime/runtime.server.ts";
import { auditExport, collectPersonalData, personalDataZip, processingTrail, subjectRecordIds } from "./data-subject.server.ts";
import type { PersonalDataSubject } from "./personal-data.server.ts";
import { myPrivacySchema, requestKinds } from "./privacy-forms.ts";
import { ownRequests, submitOwnRequest } from "./privacy-requests.server.ts";
import { hasObjectedToProfiling, objectToProfiling, withdrawProfilingObjection } from "./profiling-objections.server.ts";

export type SelfActor = Extract<Actor, { kind: "customer" } | { kind: "partner" }>;
type Runtime = Pick<AppRuntime, "db" | "registry" | "config">;

/** How many trail entries the page shows; the download holds them all. */
export const trailOnPage = 20;

export function subjectOf(actor: SelfActor): PersonalDataSubject {
  return { contactId: actor.kind === "customer" ? actor.contactId : null, userId: actor.userId };
}

/** Everything the page shows, in the reader's language. */
export async function myPrivacyView(runtime: Runtime, actor: SelfActor, language: Language) {
  const db: Database = runtime.db;
  const subject = subjectOf(actor);
  const purposes = runtime.registry.purposes();
  const current = subject.contactId ? await consentsOf(db, subject.contactId) : [];
  const recordIds = await subjectRecordIds(db, runtime.registry, subject);
  return {
    language,
    hasContact: subject.contactId !== null,
    consents: current.map((c) => {
      const p = purposes.find((x) => x.id === c.purpose);
      return { purpose: c.purpose, granted: c.granted, updatedAt: c.updatedAt, name: p?.name[language] ?? c.purpose, description: p?.description[language] ?? "" };
    }),
    otherPurposes: purposes
      .filter((p) => p.legalBasis !== "consent")
      .map((p) => ({ id: p.id, name: p.name[language], description: p.description[language], legalBasis: p.legalBasis, retentionDays: p.retentionDays, processors: p.processors.map((x) => x.name) })),
    objected: subject.contactId ? await hasObjectedToProfiling(db, subject.contactId) : null,
    requestKinds: subject.contactId ? [...requestKinds] : requestKinds.filter((k) => k !== "no_profiling"),
    requests: await ownRequests(db, actor),
    trail: await processingTrail(db, subject, trailOnPage, recordIds),
  };
}

export type MyPrivacyResult = { status: 200 | 400 | 409; ok: boolean; message: string; due?: Date };

/** The page's forms: a consent, profiling, or a request. Bad input changes nothing. */
export async function myPrivacyAction(runtime: Runtime, actor: SelfActor, form: Record<string, FormDataEntryValue>, language: Language): Promise<MyPrivacyResult> {
  const parsed = myPrivacySchema.safeParse(form);
  if (!parsed.success) return { status: 400, ok: false, message: "errors.invalid" };
  const db = runtime.db;
  const input = parsed.data;
  const { contactId } = subjectOf(actor);
  if (input.intent === "consent" || input.intent === "profiling" || (input.intent === "request" && input.kind === "no_profiling")) {
    if (!contactId) return { status: 400, ok: false, message: "errors.noContact" };
  }
  if (input.intent === "consent") {
    await setConsent(db, actor, { contactId: contactId!, purpose: input.purpose, granted: input.granted, source: "portal" });
    return { status: 200, ok: true, message: "mine.consents.saved" };
  }
  if (input.intent === "profiling") {
    if (input.object) await objectToProfiling(db, actor, contactId!, "portal");
    else await withdrawProfilingObjection(db, actor, contactId!);
    return { status: 200, ok: true, message: "mine.profiling.saved" };
  }
  const row = await submitOwnRequest(db, actor, { kind: input.kind, details: input.details, language });
  if (!row) return { status: 409, ok: false, message: "mine.request.duplicate" };
  return { status: 200, ok: true, message: "mine.request.sent", due: row.dueAt };
}

/**
 * The person's own data as a zip (their contact and account only), and for a patient a FHIR R4
 * Bundle of their health records (portability, UU PDP Art 13). Audited.
 */
export async function ownDataExport(runtime: Runtime, actor: SelfActor, ip: string | null): Promise<Response> {
  const subject = subjectOf(actor);
  const bundle = subject.contactId ? await patientBundle(runtime, subject.contactId) : null;
  const zip = personalDataZip(await collectPersonalData(runtime.db, runtime.registry, subject), bundle ? { "fhir/bundle.json": bundle } : {});
  await auditExport(runtime.db, actor, subject, ip);
  return new Response(zip as BodyInit, {
    headers: { "Content-Type": "application/zip", "Content-Disposition": 'attachment; filename="my-data.zip"', "Cache-Control": "private, no-store" },
  });
}
