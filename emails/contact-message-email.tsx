import { Text } from "@react-email/components";
import { EmailLayout, emailStyles } from "./email-layout.tsx";

export interface ContactMessageEmailProps {
  lang: string;
  preview: string;
  greeting: string;
  /** Already translated and interpolated; blank lines separate paragraphs. */
  body: string;
  /** Why the contact receives this (e.g. the marketing consent they gave), or null. */
  reason: string | null;
  footer: string;
}

/** A message to a contact (service update, reminder, campaign): text only, no tracking. */
export function ContactMessageEmail({ lang, preview, greeting, body, reason, footer }: ContactMessageEmailProps) {
  const paragraphs = body.split(/\n{2,}/).filter((p) => p.trim());
  return (
    <EmailLayout lang={lang} preview={preview} footerText={footer}>
      <Text style={emailStyles.text}>{greeting}</Text>
      {paragraphs.map((p, i) => (
        <Text key={i} style={emailStyles.text}>
          {p}
        </Text>
      ))}
      {reason ? <Text style={emailStyles.small}>{reason}</Text> : null}
    </EmailLayout>
  );
}
