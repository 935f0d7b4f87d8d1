import { Button, Section, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout, emailStyles } from "./email-layout.tsx";

export interface NoticeEmailProps {
  t: TFunction;
  lang: string;
  /** Key prefix in the `emails` namespace: preview, greeting, intro, action, note. */
  keyPrefix: string;
  name: string;
  values?: Record<string, string>;
  /** Words someone wrote (a reply, a task's description), shown as a quote. */
  quote?: string | null;
  /** The main button; without it the e-mail only informs. */
  url?: string | null;
  /** Several answer buttons instead of one (a survey's ratings). */
  choices?: { label: string; url: string }[];
  /** Adds the `note` line under the button. */
  withNote?: boolean;
}

const quoteStyle = {
  ...emailStyles.text,
  borderLeft: "4px solid #0b6e4f",
  backgroundColor: "#f4f6f8",
  margin: "12px 0",
  padding: "8px 12px",
  whiteSpace: "pre-wrap" as const,
};
const noteStyle = { ...emailStyles.small, wordBreak: "normal" as const };
const choiceStyle = { ...emailStyles.button, display: "block", margin: "0 0 8px", textAlign: "center" as const };

/** A notice about a ticket, a task or a survey: a short text, maybe a quote, and a button. */
export function NoticeEmail({ t, lang, keyPrefix, name, values = {}, quote, url, choices, withNote }: NoticeEmailProps) {
  const k = (key: string) => t(`${keyPrefix}.${key}`, { name, ...values });
  return (
    <EmailLayout lang={lang} preview={k("preview")} footerText={t("footer")}>
      <Text style={emailStyles.text}>{k("greeting")}</Text>
      <Text style={emailStyles.text}>{k("intro")}</Text>
      {quote ? <Text style={quoteStyle}>{quote}</Text> : null}
      {/* one section per choice, so the plain-text part lists them on separate lines */}
      {choices?.map((c) => (
        <Section key={c.url}>
          <Button href={c.url} style={choiceStyle}>
            {c.label}
          </Button>
        </Section>
      ))}
      {url ? (
        <>
          {/* with answer buttons the link stays as text only: one obvious thing to tap */}
          {choices?.length ? null : (
            <Button href={url} style={emailStyles.button}>
              {k("action")}
            </Button>
          )}
          <Text style={emailStyles.small}>{`${t("linkFallback")} ${url}`}</Text>
        </>
      ) : null}
      {withNote ? <Text style={noteStyle}>{k("note")}</Text> : null}
    </EmailLayout>
  );
}
