import { useTranslation } from "react-i18next";
import { formatDateTime, type TimeZone } from "../core/i18n/format.ts";
import type { Language } from "../core/i18n/languages.ts";

/** What the timeline shows of one entry, whichever source it came from. */
export interface TimelineEntry {
  source: string;
  id: string;
  at: Date | string;
  channel: string;
  direction: string | null;
  title: string;
  body: string | null;
  href: string | null;
  icon: string | null;
  who: string | null;
  timeZone: TimeZone;
  /** Delivery state of the message behind the entry: queued, sent, delivered, read or failed. */
  delivery?: string | null;
}

const deliveryTone: Record<string, string> = { queued: "off", sent: "info", delivered: "ok", read: "ok", failed: "danger" };

// text symbols every system font has (emoji are missing on many back-office PCs): no icon font,
// no extra request, and the CSP stays strict
const channelIcons: Record<string, string> = {
  call: "☎",
  visit: "⌂",
  whatsapp: "✆",
  email: "✉",
  sms: "✉",
  note: "✎",
  portal: "◎",
  ticket: "⚑",
  survey: "★",
};
const namedIcons: Record<string, string> = {
  calendar: "▦",
  receipt: "≡",
  gift: "✦",
  star: "★",
  referral: "↪",
  pill: "✚",
  cart: "⊞",
  ...channelIcons,
};

export const knownChannels = ["call", "visit", "whatsapp", "email", "sms", "note", "portal", "ticket", "survey"] as const;

/** One list for every touchpoint of a contact, newest first. */
export function Timeline({ items, language, emptyText }: { items: TimelineEntry[]; language: Language; emptyText: string }) {
  const { t } = useTranslation("staff");
  if (items.length === 0) return <p className="muted">{emptyText}</p>;
  return (
    <ol className="timeline">
      {items.map((item) => {
        const icon = (item.icon && namedIcons[item.icon]) || channelIcons[item.channel] || "•";
        const channelLabel = (knownChannels as readonly string[]).includes(item.channel) ? t(`timeline.channels.${item.channel}`) : t("timeline.channels.other");
        return (
          <li key={`${item.source}:${item.id}`} className="timeline-item">
            <span className="timeline-icon" aria-hidden="true">
              {icon}
            </span>
            <div className="timeline-body">
              <p className="timeline-meta">
                <span className="badge">{channelLabel}</span>
                {item.direction && item.direction !== "internal" ? <span className="muted"> {t(`timeline.directions.${item.direction}`)}</span> : null}
                <span className="muted"> · </span>
                <time dateTime={new Date(item.at).toISOString()}>{formatDateTime(item.at, language, item.timeZone)}</time>
                {item.who ? <span className="muted"> · {t("timeline.by", { name: item.who })}</span> : null}
                {item.delivery && deliveryTone[item.delivery] ? (
                  <>
                    {" "}
                    <span className={`badge ${deliveryTone[item.delivery]}`} data-delivery={item.delivery}>
                      {t(`timeline.delivery.${item.delivery}`)}
                    </span>
                  </>
                ) : null}
              </p>
              <p className="timeline-title">{item.href ? <a href={item.href}>{item.title}</a> : item.title}</p>
              {item.body ? <p className="timeline-text">{item.body}</p> : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
