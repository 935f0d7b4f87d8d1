import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messages } from "../../../db/schema/index.ts";
import { startSmtpReceiver } from "../../../tests/support/smtp-receiver.ts";
import { createTestApp } from "../../../tests/support/test-app.ts";
import { queueEmail, renderActionEmail } from "./email.server.ts";

let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  smtp = await startSmtpReceiver();
  app = await createTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: "RS Nusa Medika <no-reply@nusa-crm.id>" } });
});
afterAll(async () => {
  await app.close();
  await smtp.close();
});

describe("e-mail", () => {
  it("renders HTML and text in the recipient's language", async () => {
    const id = await renderActionEmail("auth.reset-password", "id", { name: "Budi", url: "https://crm.example/reset?token=abc" });
    const en = await renderActionEmail("auth.reset-password", "en", { name: "Budi", url: "https://crm.example/reset?token=abc" });
    expect(id.subject).toBe("Atur ulang kata sandi Nusa CRM");
    expect(en.subject).toBe("Reset your Nusa CRM password");
    expect(id.html).toContain('lang="id"');
    expect(id.html).toContain("https://crm.example/reset?token=abc");
    expect(id.text).toContain("Halo Budi,");
    expect(id.text).not.toContain("<!--");
  });

  it("goes through the outbox and the queue to a real SMTP server", async () => {
    const { runtime } = app;
    const email = await renderActionEmail("auth.verify-email", "id", { name: "Siti", url: "https://crm.example/portal/verify?token=xyz" });
    const messageId = await runtime.db.transaction((tx) => queueEmail(tx, runtime.jobs, { to: "siti@contoh.id", template: "auth.verify-email", language: "id", email }));
    expect(await runtime.jobs.drain("core.messaging.send")).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail.subject).toBe("Verifikasi e-mail akun Nusa CRM Anda");
    expect(mail.from?.text).toContain("no-reply@nusa-crm.id");
    expect(mail.to && "text" in mail.to ? mail.to.text : "").toBe("siti@contoh.id");
    expect(mail.text).toContain("https://crm.example/portal/verify?token=xyz");
    const [row] = await runtime.db.select().from(messages).where(eq(messages.id, messageId));
    expect(row.status).toBe("sent");
    expect(row.provider).toBe("smtp");
  });

  it("keeps a message whose rendering contains a NUL (PostgreSQL refuses NUL in text)", async () => {
    const { runtime } = app;
    const email = await renderActionEmail("auth.verify-email", "id", { name: "Nul", url: "https://crm.example/n" });
    const broken = { ...email, html: `${email.html}\u0000`, text: `a\u0000b` };
    const messageId = await runtime.db.transaction((tx) => queueEmail(tx, runtime.jobs, { to: "nul@contoh.id", template: "auth.verify-email", language: "id", email: broken }));
    const [row] = await runtime.db.select({ html: messages.bodyHtml, text: messages.bodyText }).from(messages).where(eq(messages.id, messageId));
    expect(row.text).toBe("ab");
    expect(row.html).toBe(email.html);
    await runtime.jobs.drain("core.messaging.send");
  });

  it("sends nothing when the transaction that queued it rolls back", async () => {
    const { runtime } = app;
    const email = await renderActionEmail("auth.verify-email", "en", { name: "X", url: "https://crm.example/x" });
    await expect(
      runtime.db.transaction(async (tx) => {
        await queueEmail(tx, runtime.jobs, { to: "rolled@back.id", template: "auth.verify-email", language: "en", email });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    await runtime.jobs.drain("core.messaging.send");
    expect(smtp.received.find((m) => JSON.stringify(m.to).includes("rolled@back.id"))).toBeUndefined();
  });
});
