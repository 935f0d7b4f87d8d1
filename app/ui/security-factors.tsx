import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** The authenticator-app set-up: QR code (an SVG drawn on the server), the secret as text, a first code. */
export function TotpSetup({ qr, secret, error }: { qr: string; secret: string; error?: string | null }) {
  const { t } = useTranslation("security");
  return (
    <section className="stack" aria-labelledby="totp-setup">
      <h2 id="totp-setup">{t("totp.setupTitle")}</h2>
      <ol className="stack">
        <li>{t("totp.step1")}</li>
        <li>
          {t("totp.step2")}
          <div>
            <img src={qr} alt={t("totp.qrAlt")} width={200} height={200} />
          </div>
          <p>
            {t("totp.secretText")} <code data-testid="totp-secret" style={{ overflowWrap: "anywhere" }}>{secret}</code>
          </p>
        </li>
        <li>{t("totp.step3")}</li>
      </ol>
      {error ? (
        <div className="alert error" role="alert">
          {t(error)}
        </div>
      ) : null}
      <Form method="post" className="stack">
        <input type="hidden" name="intent" value="confirm-totp" />
        <div className="field">
          <label htmlFor="totp-code">{t("totp.codeLabel")}</label>
          <input id="totp-code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" required maxLength={7} />
        </div>
        <button type="submit" className="primary">
          {t("totp.confirm")}
        </button>
      </Form>
    </section>
  );
}

/** Backup codes, shown once right after they are made. */
export function BackupCodes({ codes, continueTo }: { codes: string[]; continueTo?: string }) {
  const { t } = useTranslation("security");
  return (
    <div className="alert success" role="status">
      <p>
        <strong>{t("backupCodes.title")}</strong>
      </p>
      <p>{t("backupCodes.showOnce")}</p>
      <ul className="backup-codes" data-testid="backup-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      {continueTo ? (
        <p>
          <a href={continueTo} className="button primary">
            {t("backupCodes.continue")}
          </a>
        </p>
      ) : null}
    </div>
  );
}
