import { useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";

const known = new Set(["passwordChanged", "signedOut", "verified", "passwordReset"]);

/** A one-off confirmation carried in `?notice=` after a redirect. */
export function Notice() {
  const [params] = useSearchParams();
  const { t } = useTranslation("auth");
  const notice = params.get("notice");
  if (!notice || !known.has(notice)) return null;
  return (
    <div className="alert success" role="status">
      {t(`notices.${notice}`)}
    </div>
  );
}
