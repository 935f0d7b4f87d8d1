// The staff shell's search box: a plain GET form to /staff/search (works before JavaScript loads),
// and, once it has, the `/` key anywhere outside a field jumps into it (as on GitHub or MDN).
import { Form, useLocation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { searchQueryMaxLength } from "../core/search/search-query.ts";

function typingInto(target: EventTarget | null) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function GlobalSearchBox({ action }: { action: string }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const location = useLocation();
  // on the results page the box shows what was searched
  const current = location.pathname === action ? (new URLSearchParams(location.search).get("q") ?? "") : "";
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || typingInto(event.target)) return;
      if (!input.current) return;
      event.preventDefault();
      input.current.focus();
      input.current.select();
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  return (
    <Form method="get" action={action} role="search" className="global-search">
      <label htmlFor="global-search" className="visually-hidden">
        {t("shell.searchLabel")}
      </label>
      <input
        ref={input}
        id="global-search"
        key={current}
        name="q"
        type="search"
        defaultValue={current}
        maxLength={searchQueryMaxLength}
        placeholder={t("shell.searchPlaceholder")}
        aria-keyshortcuts="/"
        autoComplete="off"
        enterKeyHint="search"
      />
      <button type="submit" className="global-search-submit">
        {t("shell.search")}
      </button>
    </Form>
  );
}
