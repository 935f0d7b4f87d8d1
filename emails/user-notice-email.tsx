import { Button, Text } from "@react-email/components";
import { EmailLayout, emailStyles } from "./email-layout.tsx";

export interface UserNoticeEmailProps {
  lang: string;
  preview: string;
  greeting: string;
  /** Already translated and interpolated; blank lines separate paragraphs. */
  body: string;
  /** Where the user reads the whole record, signed in to their portal. */
  url: string;
  action: string;
  linkFallback: string;
  /** Why this user receives it (their organisation, their role). */
  reason: string;
  footer: string;
}

/** A work notice to a staff or partner user: a short text and the one link into their portal. */
export function UserNoticeEmail({ lang, preview, greeting, body, url, action, linkFallback, reason, footer }: UserNoticeEmailProps) {
  const paragraphs = body.split(/\n{2,}/).filter((p) => p.trim());
  return (
    <EmailLayout lang={lang} preview={preview} footerText={footer}>
      <Text style={emailStyles.text}>{greeting}</Text>
      {paragraphs.map((p, i) => (
        <Text key={i} style={emailStyles.text}>
          {p}
        </Text>
      ))}
      <Button href={url} style={emailStyles.button}>
        {action}
      </Button>
      <Text style={emailStyles.small}>{`${linkFallback} ${url}`}</Text>
      <Text style={emailStyles.small}>{reason}</Text>
    </EmailLayout>
  );
}
