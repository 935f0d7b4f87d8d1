import { startAuthentication, startRegistration } from "@simplewebauthn/browser";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

/**
 * The one part of sign-in that needs JavaScript: a passkey. Without JavaScript (or WebAuthn) the
 * button is not shown and the code form beside it does the job.
 */
export function PasskeyButton({ endpoint, mode, redirectTo }: { endpoint: string; mode: "authenticate" | "register"; redirectTo?: string }) {
  const { t } = useTranslation("security");
  const [state, setState] = useState<"idle" | "busy" | "failed">("idle");
  const [codes, setCodes] = useState<string[] | null>(null);
  const [supported, setSupported] = useState(false);
  // shown only once hydrated in a browser that has WebAuthn
  useEffect(() => setSupported(typeof window.PublicKeyCredential !== "undefined"), []);
  if (!supported) return null;
  async function post(body: unknown) {
    const res = await fetch(endpoint, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    return (await res.json()) as { ok: boolean; options?: never; backupCodes?: string[] | null };
  }
  async function run() {
    setState("busy");
    try {
      const start = await post({ intent: `${mode}-options` });
      if (!start.ok || !start.options) throw new Error("options");
      const response = mode === "authenticate" ? await startAuthentication({ optionsJSON: start.options }) : await startRegistration({ optionsJSON: start.options });
      const name = mode === "register" ? (navigator.platform || "Passkey").slice(0, 60) : undefined;
      const done = await post({ intent: mode, response, name });
      if (!done.ok) throw new Error("verify");
      if (done.backupCodes?.length) {
        setCodes(done.backupCodes);
        setState("idle");
        return;
      }
      window.location.assign(redirectTo ?? window.location.pathname);
    } catch {
      setState("failed");
    }
  }
  return (
    <div className="stack">
      <button type="button" className="secondary wide" onClick={run} disabled={state === "busy"} data-testid={`passkey-${mode}`}>
        {t(mode === "authenticate" ? "passkey.use" : "passkey.add")}
      </button>
      {state === "failed" ? (
        <p className="alert error" role="alert">
          {t("passkey.failed")}
        </p>
      ) : null}
      {codes ? (
        <div className="alert success" role="status">
          <p>{t("backupCodes.showOnce")}</p>
          <ul className="backup-codes">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <a href={redirectTo ?? (typeof window !== "undefined" ? window.location.pathname : "/")}>{t("backupCodes.continue")}</a>
        </div>
      ) : null}
    </div>
  );
}
