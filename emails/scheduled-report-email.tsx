import { Button, Img, Section, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout, emailStyles } from "./email-layout.tsx";

export interface ScheduledReportEmailProps {
  t: TFunction;
  lang: string;
  /** The subscription's name, the report's name, the period and the branch, already formatted. */
  values: { subscription: string; report: string; period: string; branch: string };
  /** Set in alert mode: the KPI, its value and the threshold it crossed, formatted. */
  alert: { kpi: string; value: string; threshold: string; direction: "above" | "below" } | null;
  /** Images attached to the message, shown by their content id (`cid:`). */
  images: { cid: string; alt: string; width: number }[];
  /** The figures as text, for the plain-text part and readers that do not load images. */
  lines: string[];
  url: string;
  manageUrl: string;
}

const listStyle = { ...emailStyles.small, wordBreak: "normal" as const, margin: "2px 0" };
const alertStyle = { ...emailStyles.text, borderLeft: "4px solid #b91c1c", backgroundColor: "#fef2f2", padding: "8px 12px" };

/** A scheduled report (tiles and charts as images, the workbook attached) or a KPI alert. */
export function ScheduledReportEmail({ t, lang, values, alert, images, lines, url, manageUrl }: ScheduledReportEmailProps) {
  const k = (key: string, extra: Record<string, string> = {}) => t(`schedule.${key}`, { ...values, ...extra });
  return (
    <EmailLayout lang={lang} preview={alert ? k("alertPreview", alert) : k("preview")} footerText={k("footer", { manageUrl })}>
      <Text style={emailStyles.text}>{alert ? k("alertIntro", alert) : k("intro")}</Text>
      {alert ? <Text style={alertStyle}>{k(`alertLine.${alert.direction}`, alert)}</Text> : null}
      {images.map((image) => (
        <Section key={image.cid}>
          <Img src={`cid:${image.cid}`} alt={image.alt} width={image.width} style={{ display: "block", maxWidth: "100%", height: "auto", margin: "0 0 12px" }} />
        </Section>
      ))}
      <Section>
        {lines.map((line, i) => (
          <Text key={i} style={listStyle}>
            {line}
          </Text>
        ))}
      </Section>
      <Text style={emailStyles.small}>{k("attachment")}</Text>
      <Button href={url} style={emailStyles.button}>
        {k("action")}
      </Button>
      <Text style={emailStyles.small}>{`${t("linkFallback")} ${url}`}</Text>
    </EmailLayout>
  );
}
