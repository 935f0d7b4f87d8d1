import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout, emailStyles } from "./email-layout.tsx";

export interface ActionLinkEmailProps {
  t: TFunction;
  lang: string;
  /** Key prefix in the `emails` namespace: greeting, intro, action, expiry, ignore. */
  keyPrefix: string;
  name: string;
  url: string;
  values?: Record<string, string>;
}

/** A message whose point is one button: verify an address, reset a password, accept an invitation. */
export function ActionLinkEmail({ t, lang, keyPrefix, name, url, values = {} }: ActionLinkEmailProps) {
  const k = (key: string) => t(`${keyPrefix}.${key}`, { name, ...values });
  return (
    <EmailLayout lang={lang} preview={k("preview")} footerText={t("footer")}>
      <Text style={emailStyles.text}>{k("greeting")}</Text>
      <Text style={emailStyles.text}>{k("intro")}</Text>
      <Button href={url} style={emailStyles.button}>
        {k("action")}
      </Button>
      <Text style={emailStyles.small}>{`${t("linkFallback")} ${url}`}</Text>
      <Text style={emailStyles.small}>{k("expiry")}</Text>
      <Text style={emailStyles.small}>{k("ignore")}</Text>
    </EmailLayout>
  );
}
