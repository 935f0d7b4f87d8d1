import { Body, Container, Head, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

export interface EmailStrings {
  footer: string;
}

const body = { backgroundColor: "#f4f6f8", fontFamily: "Arial, Helvetica, sans-serif", margin: 0, padding: "24px 0" };
const card = { backgroundColor: "#ffffff", borderRadius: "8px", maxWidth: "520px", margin: "0 auto", padding: "28px" };
const brand = { color: "#0b6e4f", fontSize: "18px", fontWeight: 700, margin: "0 0 16px" };
const footer = { color: "#6b7280", fontSize: "12px", lineHeight: "18px" };

export function EmailLayout({ lang, preview, footerText, children }: { lang: string; preview: string; footerText: string; children: ReactNode }) {
  return (
    <Html lang={lang}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={body}>
        <Container style={card}>
          <Text style={brand}>Nusa CRM</Text>
          <Section>{children}</Section>
          <Hr />
          <Text style={footer}>{footerText}</Text>
        </Container>
      </Body>
    </Html>
  );
}

export const emailStyles = {
  text: { color: "#1f2937", fontSize: "15px", lineHeight: "22px" },
  button: {
    backgroundColor: "#0b6e4f",
    borderRadius: "6px",
    color: "#ffffff",
    display: "inline-block",
    fontSize: "15px",
    fontWeight: 700,
    padding: "12px 20px",
    textDecoration: "none",
  },
  small: { color: "#6b7280", fontSize: "13px", lineHeight: "20px", wordBreak: "break-all" as const },
};
