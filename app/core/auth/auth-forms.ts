// Client-safe form schemas, parsed on the server and reused in the browser.
import { fields, z } from "../validation/validation.ts";

export const signInSchema = z.object({
  email: fields.email(),
  password: z.string().min(1).max(128),
  redirectTo: z.string().optional(),
});

export const registerSchema = z
  .object({
    name: fields.name(),
    email: fields.email(),
    phone: fields.optionalPhone(),
    password: fields.password(),
    confirmPassword: z.string().min(1),
    consent: z.literal("on", { errorMap: () => ({ message: "validation.consentRequired" }) }),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "validation.passwordsDiffer" });

export const emailOnlySchema = z.object({ email: fields.email() });

export const newPasswordSchema = z
  .object({
    token: z.string().min(1),
    password: fields.password(),
    confirmPassword: z.string().min(1),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "validation.passwordsDiffer" });

export const acceptInvitationSchema = z
  .object({
    token: z.string().min(1),
    name: fields.name(),
    password: fields.password(),
    confirmPassword: z.string().min(1),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "validation.passwordsDiffer" });

export const changePasswordSchema = z
  .object({
    current: z.string().min(1),
    password: fields.password(),
    confirmPassword: z.string().min(1),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "validation.passwordsDiffer" });

export const portalKinds = { staff: "staff", portal: "customer", partner: "partner" } as const;
export type PortalName = keyof typeof portalKinds;

export function portalOf(pathname: string): PortalName {
  const first = pathname.split("/")[1];
  return first === "staff" || first === "partner" ? first : "portal";
}
