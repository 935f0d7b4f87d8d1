// Passkeys (WebAuthn) through @simplewebauthn/server 13; the challenge lives on the session row.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { and, count, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { userBackupCodes, userPasskeys } from "../../../db/schema/index.ts";
import { audit } from "../audit/audit.server.ts";
import type { Actor } from "../plugins/contract.ts";
import { regenerateBackupCodes } from "./mfa.server.ts";
import { setSessionChallenge, takeSessionChallenge } from "./session.server.ts";

type UserActor = Exclude<Actor, { kind: "system" }>;

export interface RelyingParty {
  /** The app's public origin (APP_ORIGIN). */
  origin: string;
}

function rpId(rp: RelyingParty) {
  return new URL(rp.origin).hostname;
}

/** Options for the browser to create a passkey for this user. */
export async function passkeyRegistrationOptions(db: Database, rp: RelyingParty, input: { user: { id: string; email: string; name: string }; sessionId: string }) {
  const existing = await db.select({ id: userPasskeys.id, transports: userPasskeys.transports }).from(userPasskeys).where(eq(userPasskeys.userId, input.user.id));
  const options = await generateRegistrationOptions({
    rpName: "Nusa CRM",
    rpID: rpId(rp),
    userName: input.user.email,
    userDisplayName: input.user.name,
    userID: new TextEncoder().encode(input.user.id),
    attestationType: "none",
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransportFuture[] })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
  await setSessionChallenge(db, input.sessionId, options.challenge);
  return options;
}

/** Checks the browser's answer and keeps the passkey; returns new backup codes when it is the user's first factor. */
export async function registerPasskey(
  db: Database,
  rp: RelyingParty,
  actor: UserActor,
  input: { sessionId: string; response: RegistrationResponseJSON; name: string; ip: string | null },
): Promise<{ ok: true; backupCodes: string[] | null } | { ok: false }> {
  const challenge = await takeSessionChallenge(db, input.sessionId);
  if (!challenge) return { ok: false };
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rpId(rp),
      requireUserVerification: false,
    });
  } catch {
    return { ok: false };
  }
  if (!verification.verified || !verification.registrationInfo) return { ok: false };
  const { credential, credentialBackedUp } = verification.registrationInfo;
  await db.insert(userPasskeys).values({
    id: credential.id,
    userId: actor.userId,
    publicKey: Buffer.from(credential.publicKey).toString("base64url"),
    counter: credential.counter,
    backedUp: credentialBackedUp,
    transports: credential.transports ?? [],
    name: input.name.slice(0, 60) || "Passkey",
  });
  await audit(db, actor, { action: "auth.passkey_added", entityType: "user", entityId: actor.userId, ip: input.ip, data: { backedUp: credentialBackedUp } });
  const [codes] = await db.select({ n: count() }).from(userBackupCodes).where(eq(userBackupCodes.userId, actor.userId));
  const backupCodes = Number(codes.n) === 0 ? await regenerateBackupCodes(db, null, actor.userId) : null;
  return { ok: true, backupCodes };
}

/** Options for the browser to sign with one of this user's passkeys. */
export async function passkeyAuthenticationOptions(db: Database, rp: RelyingParty, input: { userId: string; sessionId: string }) {
  const credentials = await db.select({ id: userPasskeys.id, transports: userPasskeys.transports }).from(userPasskeys).where(eq(userPasskeys.userId, input.userId));
  const options = await generateAuthenticationOptions({
    rpID: rpId(rp),
    allowCredentials: credentials.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransportFuture[] })),
    userVerification: "preferred",
  });
  await setSessionChallenge(db, input.sessionId, options.challenge);
  return options;
}

/**
 * Checks a passkey signature for this user. The signature counter is checked only for passkeys
 * that are not backed up: synced passkeys share one key across devices and report 0 or
 * unordered counters, so a counter check would lock their owners out.
 */
export async function verifyPasskey(db: Database, rp: RelyingParty, input: { userId: string; sessionId: string; response: AuthenticationResponseJSON }) {
  const challenge = await takeSessionChallenge(db, input.sessionId);
  if (!challenge) return false;
  const [passkey] = await db
    .select()
    .from(userPasskeys)
    .where(and(eq(userPasskeys.id, input.response.id), eq(userPasskeys.userId, input.userId)));
  if (!passkey) return false;
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rpId(rp),
      credential: {
        id: passkey.id,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, "base64url")),
        counter: passkey.backedUp ? 0 : passkey.counter,
        transports: passkey.transports as AuthenticatorTransportFuture[],
      },
      requireUserVerification: false,
    });
  } catch {
    return false;
  }
  if (!verification.verified) return false;
  const info = verification.authenticationInfo;
  await db
    .update(userPasskeys)
    .set({ counter: info.newCounter, backedUp: info.credentialBackedUp, lastUsedAt: new Date() })
    .where(eq(userPasskeys.id, passkey.id));
  return true;
}

export async function removePasskey(db: Database, actor: UserActor, input: { passkeyId: string; ip: string | null }) {
  const removed = await db
    .delete(userPasskeys)
    .where(and(eq(userPasskeys.id, input.passkeyId), eq(userPasskeys.userId, actor.userId)))
    .returning({ id: userPasskeys.id });
  if (removed.length) await audit(db, actor, { action: "auth.passkey_removed", entityType: "user", entityId: actor.userId, ip: input.ip });
  return removed.length > 0;
}
