// Read-only FHIR R4 ServiceRequest for referrals (rujukan), served by the core at /fhir/r4 through
// the `fhirResources` extension point. Shaped as SATUSEHAT expects a referral: category SNOMED
// 3457005 "Patient referral", reasonCode ICD-10, times in UTC.
import { aliasedTable, and, asc, count, eq, inArray, sql, type SQL } from "drizzle-orm";
import { isUuid } from "../../app/plugin-api/index.ts";
import type { Database, FhirContext, FhirResource, FhirResourceProvider } from "../../app/plugin-api/index.ts";
import { branches, contacts, partnerOrganisations, users } from "../../app/plugin-api/schema.ts";
import { codeValues, dateCondition, fhirInstant, orValues, parseDateParam, referenceId, satusehatIdentifierSystem } from "../../app/plugin-api/server.ts";
import { referrals, referralStatuses } from "./schema.ts";

type ReferralStatus = (typeof referralStatuses)[number];
type RequestStatus = "draft" | "active" | "revoked" | "completed";

/** Our lifecycle on FHIR's request-status: sent, accepted and scheduled are all still in force. */
const statusMap: Record<ReferralStatus, RequestStatus> = {
  draft: "draft",
  sent: "active",
  accepted: "active",
  scheduled: "active",
  rejected: "revoked",
  completed: "completed",
  back_referred: "completed",
};
/** FHIR's request-status and request-priority codes (what we never hold matches nothing). */
const requestStatusCodes = ["draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"] as const;
const requestPriorityCodes = ["routine", "urgent", "asap", "stat"] as const;

/** Urgency on FHIR's request-priority: an emergency referral is "stat". */
const priorityMap = { routine: "routine", urgent: "urgent", emergency: "stat" } as const;

const referralNumberSystem = "https://nusa-crm.id/fhir/sid/referral-number";
const icd10System = "http://hl7.org/fhir/sid/icd-10";
/** Our partner organisations and staff users, for references by identifier (neither is served as a resource here). */
const partnerSystem = "https://nusa-crm.id/fhir/sid/partner-organisation";
const staffUserSystem = "https://nusa-crm.id/fhir/sid/staff-user";
const referralConcept = { system: "http://snomed.info/sct", code: "3457005", display: "Patient referral" };

const doctors = aliasedTable(users, "referral_doctor");

const columns = {
  id: referrals.id,
  number: referrals.number,
  direction: referrals.direction,
  status: referrals.status,
  contactId: referrals.contactId,
  patientName: contacts.fullName,
  partnerName: partnerOrganisations.name,
  branchName: branches.name,
  doctorName: doctors.name,
  doctorUserId: referrals.doctorUserId,
  partnerOrgId: referrals.partnerOrgId,
  reason: referrals.reason,
  icd10Code: referrals.icd10Code,
  icd10Text: referrals.icd10Text,
  urgency: referrals.urgency,
  targetService: referrals.targetService,
  serviceType: referrals.serviceType,
  notes: referrals.notes,
  appointmentId: referrals.appointmentId,
  scheduledFor: referrals.scheduledFor,
  sentAt: referrals.sentAt,
  createdAt: referrals.createdAt,
  updatedAt: referrals.updatedAt,
};

function query(db: Database) {
  return db
    .select(columns)
    .from(referrals)
    .innerJoin(contacts, eq(contacts.id, referrals.contactId))
    .innerJoin(partnerOrganisations, eq(partnerOrganisations.id, referrals.partnerOrgId))
    .leftJoin(branches, eq(branches.id, referrals.branchId))
    .leftJoin(doctors, eq(doctors.id, referrals.doctorUserId));
}

type Row = Awaited<ReturnType<ReturnType<typeof query>["execute"]>>[number];

/** When the referral was authored: when it was sent, or created for a draft. */
const authoredAt = sql`coalesce(${referrals.sentAt}, ${referrals.createdAt})`;

/**
 * A referral as SATUSEHAT's ServiceRequest: linked to the Encounter of the visit it was scheduled
 * into; reason coded in ICD-10; requester and performer as references (SATUSEHAT's Organization
 * once its id is set, ours by identifier otherwise); the SATUSEHAT identifier system likewise.
 */
function toServiceRequest(r: Row, ctx: FhirContext): FhirResource {
  const us = r.branchName ?? "Nusa CRM";
  const { organizationId } = ctx.satusehat;
  const ourOrganisation = organizationId ? { reference: `Organization/${organizationId}`, display: us } : { type: "Organization", display: us };
  const partner = { type: "Organization", identifier: { system: partnerSystem, value: r.partnerOrgId }, display: r.partnerName };
  // outgoing: our doctor (or, without one, our organisation) refers to the partner; incoming: the partner refers to us
  const requester =
    r.direction === "outgoing"
      ? r.doctorUserId
        ? { type: "Practitioner", identifier: { system: staffUserSystem, value: r.doctorUserId }, display: r.doctorName ? `${r.doctorName} (${us})` : us }
        : ourOrganisation
      : partner;
  const performer = r.direction === "outgoing" ? partner : ourOrganisation;
  return {
    resourceType: "ServiceRequest",
    id: r.id,
    meta: { lastUpdated: fhirInstant(r.updatedAt) },
    identifier: [
      ...(organizationId ? [{ use: "official", system: satusehatIdentifierSystem("servicerequest", organizationId), value: r.number }] : []),
      { use: organizationId ? "secondary" : "official", system: referralNumberSystem, value: r.number },
    ],
    status: statusMap[r.status],
    intent: "original-order",
    category: [{ coding: [referralConcept] }],
    priority: priorityMap[r.urgency],
    code: { coding: [referralConcept], text: r.targetService },
    subject: { reference: `Patient/${r.contactId}`, display: r.patientName },
    // the visit it was scheduled into (Encounter ids are visit ids; that record lives in the appointments plugin)
    ...(r.appointmentId ? { encounter: { reference: `Encounter/${r.appointmentId}` } } : {}),
    ...(r.scheduledFor ? { occurrenceDateTime: fhirInstant(r.scheduledFor) } : {}),
    authoredOn: fhirInstant(r.sentAt ?? r.createdAt),
    requester,
    performer: [performer],
    locationCode: [{ text: r.serviceType === "inpatient" ? "Rawat inap" : "Rawat jalan" }],
    reasonCode: [{ coding: [{ system: icd10System, code: r.icd10Code, display: r.icd10Text }], text: r.reason }],
    ...(r.notes ? { note: [{ text: r.notes }] } : {}),
    ...(r.appointmentId ? { supportingInfo: [{ reference: `Appointment/${r.appointmentId}` }] } : {}),
  };
}

function idsCondition(column: Parameters<typeof eq>[0], raw: string, type: string): SQL {
  const ids = orValues(raw).map((v) => referenceId(v, type)).filter((v) => isUuid(v));
  return ids.length ? inArray(column, ids) : sql`false`;
}

const serviceRequestProvider: FhirResourceProvider = {
  searchParams: [
    { name: "_id", type: "token" },
    { name: "patient", type: "reference", documentation: "Patient/<id>" },
    { name: "subject", type: "reference", documentation: "Patient/<id>" },
    { name: "authored", type: "date", documentation: "When the referral was sent (created, for a draft); values without a zone are UTC" },
    { name: "status", type: "token", documentation: "draft, active, revoked, completed" },
    { name: "priority", type: "token", documentation: "routine, urgent, stat" },
    { name: "identifier", type: "token", documentation: `Referral number: ${referralNumberSystem}|RJK-… (or the SATUSEHAT system http://sys-ids.kemkes.go.id/servicerequest/<organisation id>|RJK-…)` },
  ],
  async read(id, ctx) {
    if (!isUuid(id)) return null;
    const [row] = await query(ctx.db).where(eq(referrals.id, id));
    return row ? toServiceRequest(row, ctx) : null;
  },
  async search(search, ctx) {
    const where: SQL[] = [];
    const p = search.params;
    for (const raw of p._id ?? []) where.push(idsCondition(referrals.id, raw, "ServiceRequest"));
    for (const raw of [...(p.patient ?? []), ...(p.subject ?? [])]) where.push(idsCondition(referrals.contactId, raw, "Patient"));
    for (const raw of p.authored ?? []) where.push(dateCondition(authoredAt, parseDateParam(raw)));
    for (const raw of p.status ?? []) {
      const wanted: string[] = codeValues("status", raw, requestStatusCodes, "http://hl7.org/fhir/request-status");
      const ours = referralStatuses.filter((s) => wanted.includes(statusMap[s]));
      where.push(ours.length ? inArray(referrals.status, ours) : sql`false`);
    }
    for (const raw of p.priority ?? []) {
      const wanted: string[] = codeValues("priority", raw, requestPriorityCodes, "http://hl7.org/fhir/request-priority");
      const ours = (Object.keys(priorityMap) as (keyof typeof priorityMap)[]).filter((u) => wanted.includes(priorityMap[u]));
      where.push(ours.length ? inArray(referrals.urgency, ours) : sql`false`);
    }
    for (const raw of p.identifier ?? []) {
      const numbers = orValues(raw)
        .map((v) => {
          if (!v.includes("|")) return v;
          const system = v.slice(0, v.indexOf("|"));
          const ours = [referralNumberSystem, "", ...(ctx.satusehat.organizationId ? [satusehatIdentifierSystem("servicerequest", ctx.satusehat.organizationId)] : [])];
          return ours.includes(system) ? v.slice(v.indexOf("|") + 1) : null;
        })
        .filter((v): v is string => !!v);
      where.push(numbers.length ? inArray(referrals.number, numbers) : sql`false`);
    }
    const cond = where.length ? and(...where) : undefined;
    const [[{ total }], rows] = await Promise.all([
      ctx.db.select({ total: count() }).from(referrals).where(cond),
      query(ctx.db).where(cond).orderBy(sql`${authoredAt} desc`, asc(referrals.id)).limit(search.count).offset(search.offset),
    ]);
    return { total: Number(total), resources: rows.map((r) => toServiceRequest(r, ctx)) };
  },
};

/** What this plugin adds to /fhir/r4. */
export const fhirResources: Record<string, FhirResourceProvider> = { ServiceRequest: serviceRequestProvider };
