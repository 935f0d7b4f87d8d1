import { hash, verify } from "@node-rs/argon2";

// argon2id with OWASP's minimum: m=19 MiB, t=2, p=1 (≈25–70 ms here).
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string) {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string | null, password: string) {
  // hash anyway when there is no account, so timing does not reveal which e-mails exist
  if (!passwordHash) {
    await hash(password, options);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
