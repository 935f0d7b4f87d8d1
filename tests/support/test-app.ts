import "../../app/core/runtime/load-context.ts";
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { faker } from "@faker-js/faker";
import { eq } from "drizzle-orm";
import { hashPassword } from "../../app/core/auth/password.server.ts";
import { startSession } from "../../app/core/auth/session.server.ts";
import { loadConfig } from "../../app/core/config/config.server.ts";
import { createLogger } from "../../app/core/logging/logger.server.ts";
import type { InstalledPlugin } from "../../app/core/plugins/contract.ts";
import { buildLoadContext } from "../../app/core/runtime/request-context.server.ts";
import { startRuntime, type AppRuntime } from "../../app/core/runtime/runtime.server.ts";
import { contacts, partnerOrganisations, userRoles, users } from "../../db/schema/index.ts";
import { createTestDatabase } from "./test-database.ts";

export const testOrigin = "http://localhost:3000";
export const testPassword = "kata-sandi-uji-123";

/** A runtime on a fresh database, with only the plugins under test; queues are drained by hand. */
export async function createTestApp(options: { plugins?: InstalledPlugin[]; env?: Record<string, string>; readReplica?: boolean } = {}) {
  const database = await createTestDatabase();
  // readReplica: runtime.readDb is a second fresh database, so a test sees which one was read
  const readDatabase = options.readReplica ? await createTestDatabase() : undefined;
  const config = loadConfig({ NODE_ENV: "test", APP_ORIGIN: testOrigin, ...options.env });
  const runtime = await startRuntime({ config, logger: createLogger({ level: "silent" }), plugins: options.plugins ?? [], database, readDatabase, workers: false });
  return {
    runtime,
    async close() {
      await runtime.stop();
      await database.close();
      await readDatabase?.close();
    },
  };
}

type Handler<A> = (args: A) => unknown;

/** Calls a route's loader or action the way the server would, with the given cookie and form. */
export async function callRoute(
  runtime: AppRuntime,
  handler: Handler<LoaderFunctionArgs> | Handler<ActionFunctionArgs>,
  input: { path: string; method?: string; cookie?: string | null; form?: Record<string, string | string[]>; params?: Record<string, string>; headers?: Record<string, string> },
): Promise<Response | unknown> {
  const headers = new Headers(input.headers);
  if (input.cookie) headers.set("Cookie", input.cookie);
  let body: URLSearchParams | undefined;
  if (input.form) {
    body = new URLSearchParams();
    for (const [k, v] of Object.entries(input.form)) for (const one of [v].flat()) body.append(k, one);
  }
  const request = new Request(`${testOrigin}${input.path}`, { method: input.method ?? (body ? "POST" : "GET"), headers, body });
  const { context } = await buildLoadContext(runtime, request, { cspNonce: "test", clientIp: "127.0.0.1" });
  try {
    return await handler({ request, context: context as AppLoadContext, params: input.params ?? {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** Unwraps Remix's `data()` / single-fetch results to { status, data }. */
export function unwrap(result: unknown): { status: number; data: unknown; headers?: Headers } {
  if (result instanceof Response) return { status: result.status, data: null, headers: result.headers };
  if (result && typeof result === "object" && (result as { type?: string }).type === "DataWithResponseInit") {
    const r = result as unknown as { data: unknown; init?: { status?: number; headers?: HeadersInit } };
    return { status: r.init?.status ?? 200, data: r.data, headers: new Headers(r.init?.headers) };
  }
  return { status: 200, data: result };
}

export async function signedInCookie(runtime: AppRuntime, userId: string) {
  const cookie = await startSession(runtime, userId, new Request(testOrigin));
  return cookie.split(";")[0];
}

let passwordHash: string | null = null;
async function testPasswordHash() {
  passwordHash ??= await hashPassword(testPassword);
  return passwordHash;
}

export async function createStaff(runtime: AppRuntime, options: { roles?: string[]; email?: string; name?: string } = {}) {
  const [user] = await runtime.db
    .insert(users)
    .values({
      kind: "staff",
      email: options.email ?? faker.internet.email().toLowerCase(),
      name: options.name ?? faker.person.fullName(),
      passwordHash: await testPasswordHash(),
      emailVerifiedAt: new Date(),
    })
    .returning();
  const roles = options.roles ?? ["agent"];
  if (roles.length) await runtime.db.insert(userRoles).values(roles.map((roleId) => ({ userId: user.id, roleId })));
  return { ...user, cookie: await signedInCookie(runtime, user.id) };
}

export async function createContact(runtime: AppRuntime, values: Partial<typeof contacts.$inferInsert> = {}) {
  const [contact] = await runtime.db
    .insert(contacts)
    .values({ fullName: faker.person.fullName(), email: faker.internet.email().toLowerCase(), ...values })
    .returning();
  return contact;
}

export async function createCustomer(runtime: AppRuntime, options: { email?: string; verified?: boolean } = {}) {
  const email = options.email ?? faker.internet.email().toLowerCase();
  const contact = await createContact(runtime, { email, lifecycleStage: "customer" });
  const [user] = await runtime.db
    .insert(users)
    .values({
      kind: "customer",
      email,
      name: contact.fullName,
      passwordHash: await testPasswordHash(),
      contactId: contact.id,
      emailVerifiedAt: options.verified === false ? null : new Date(),
    })
    .returning();
  return { ...user, contact, cookie: await signedInCookie(runtime, user.id) };
}

export async function createPartnerOrg(runtime: AppRuntime, values: Partial<typeof partnerOrganisations.$inferInsert> = {}) {
  const [org] = await runtime.db
    .insert(partnerOrganisations)
    .values({ code: faker.string.alphanumeric(8).toUpperCase(), name: `Klinik ${faker.person.lastName()}`, type: "clinic", ...values })
    .returning();
  return org;
}

export async function createPartnerUser(runtime: AppRuntime, partnerOrgId: string) {
  const [user] = await runtime.db
    .insert(users)
    .values({
      kind: "partner",
      email: faker.internet.email().toLowerCase(),
      name: faker.person.fullName(),
      passwordHash: await testPasswordHash(),
      partnerOrgId,
      emailVerifiedAt: new Date(),
    })
    .returning();
  return { ...user, cookie: await signedInCookie(runtime, user.id) };
}

export async function userById(runtime: AppRuntime, id: string) {
  const [user] = await runtime.db.select().from(users).where(eq(users.id, id));
  return user;
}
