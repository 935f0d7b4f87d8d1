// Pieces shared by the privacy desk's pages: a deadline's countdown and form errors.
import type { SubmissionResult } from "@conform-to/react";
import { useTranslation } from "react-i18next";
import { translateError } from "./translate-error.ts";

/** Time left until a legal deadline (or how late), as computed by the server at load time. */
export function Countdown({ clock }: { clock: { hours: number; minutes: number; remainingMs: number; phase?: string; done?: boolean } }) {
  const { t } = useTranslation("privacy");
  if (clock.phase === "closed" || clock.done) return <span className="badge off">{t("desk.clock.closed")}</span>;
  const values = { hours: clock.hours, minutes: clock.minutes };
  if (clock.remainingMs <= 0) return <span className="badge danger">{t("desk.clock.overdue", values)}</span>;
  const urgent = clock.phase === "escalated" || clock.remainingMs <= 24 * 3600_000;
  return <span className={urgent ? "badge warn" : "badge info"}>{t("desk.clock.left", values)}</span>;
}

type Result = SubmissionResult<string[]> | undefined | null;

export function FieldError({ result, name }: { result: Result; name: string }) {
  const { t } = useTranslation();
  const errors = result?.error?.[name];
  if (!errors?.length) return null;
  return (
    <p className="error" role="alert">
      {errors.map((e) => translateError(t, e)).join(" ")}
    </p>
  );
}

export function FormError({ result }: { result: Result }) {
  const { t } = useTranslation();
  const errors = result?.error?.[""];
  if (!errors?.length) return null;
  return (
    <div className="alert error" role="alert">
      {errors.map((e) => translateError(t, e)).join(" ")}
    </div>
  );
}

/** What the person typed, given back after a refused submission. */
export function typed(result: Result, name: string): string | undefined {
  const value = (result?.initialValue as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value : undefined;
}
