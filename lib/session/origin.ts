// Next.js refuses a server action whose Origin is another site, but answers it with HTTP 500 (and
// logs it as an error), so a refusal looks like an outage. The proxy applies the same rule first
// and answers 403 with words instead. Plain functions, so the proxy can import them.

/** Said to whoever sends a server action from another site. */
export const FOREIGN_ORIGIN_REFUSAL = "Refused: this change was sent from another website. Open the app at its own address and try again.";

/** True for a request Next.js would run as a server action: a POST with an action id, or a form post. */
export function isServerActionRequest(method: string, headers: Headers): boolean {
  if (method !== "POST") return false;
  const type = headers.get("content-type") ?? "";
  return headers.has("next-action") || type.startsWith("multipart/form-data") || type === "application/x-www-form-urlencoded";
}

/**
 * True when a server action names an Origin that is neither the Host nor the first X-Forwarded-Host
 * (Next.js's own rule, no allowedOrigins configured). Without an Origin it is not ours to refuse:
 * Next.js lets those through, and they carry no browser's cookies.
 */
export function isForeignOriginAction(method: string, headers: Headers): boolean {
  if (!isServerActionRequest(method, headers)) return false;
  const origin = headers.get("origin");
  if (origin === null) return false;
  let originHost: string;
  try {
    originHost = origin === "null" ? "null" : new URL(origin).host;
  } catch {
    return true;
  }
  const forwardedHost = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return originHost !== headers.get("host") && originHost !== forwardedHost;
}
