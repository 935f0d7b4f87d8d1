import crypto from "node:crypto";
import type { NextFunction, Request, Response } from "express";

/** A fresh CSP nonce per response, with the usual hardening headers. */
export function securityHeaders(options: { dev: boolean; secure: boolean }) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const nonce = crypto.randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    const script = options.dev ? `'self' 'nonce-${nonce}' 'unsafe-eval'` : `'self' 'nonce-${nonce}' 'strict-dynamic'`;
    const csp = [
      "default-src 'self'",
      `script-src ${script}`,
      options.dev ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      options.dev ? "connect-src 'self' ws:" : "connect-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
    ].join("; ");
    res.setHeader("Content-Security-Policy", csp);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    if (options.secure) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  };
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses cross-site form posts and fetches to the browser-facing app. Machine APIs under /api
 * authenticate by token or signature instead, and the WhatsApp/POS webhooks come from servers.
 */
export function originCheck(appOrigin: string) {
  const allowed = new URL(appOrigin).host;
  return (req: Request, res: Response, next: NextFunction) => {
    // /unsubscribe: RFC 8058 one-click POSTs come from mail providers; its signed link is the authority
    // the path the app will route, with dot segments resolved: `/api/../staff/…` is a staff page
    const path = new URL(req.originalUrl, "http://path.invalid").pathname;
    if (safeMethods.has(req.method) || path.startsWith("/api/") || path === "/unsubscribe") return next();
    const origin = req.get("origin");
    const fetchSite = req.get("sec-fetch-site");
    let ok: boolean;
    if (origin && origin !== "null") {
      const host = URL.canParse(origin) ? new URL(origin).host : null;
      ok = host !== null && (host === allowed || host === req.get("host"));
    } else {
      // no Origin (old browsers, curl): refuse only what the browser itself calls cross-site
      ok = origin !== "null" && fetchSite !== "cross-site";
    }
    if (ok) return next();
    res.status(403).type("text/plain").send("Cross-site request refused / Permintaan lintas situs ditolak");
  };
}
