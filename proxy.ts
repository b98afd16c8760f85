import { getSessionCookie } from "better-auth/cookies";
import { type NextRequest, NextResponse } from "next/server";
import { SESSION_COOKIE_PREFIX } from "./lib/auth/limits";
import { FOREIGN_ORIGIN_REFUSAL, isForeignOriginAction } from "./lib/session/origin";

// An early turn-back for browsers without a session cookie, so a link opened signed out returns to
// its page after sign-in. Only a shortcut: every page, action and route handler checks the session itself.
export function proxy(request: NextRequest) {
  if (isForeignOriginAction(request.method, request.headers)) return NextResponse.json({ message: FOREIGN_ORIGIN_REFUSAL }, { status: 403 });
  // The sign-in page is open to everyone; it passes through here only for the origin check above.
  if (request.nextUrl.pathname === "/sign-in") return NextResponse.next();
  if (getSessionCookie(request, { cookiePrefix: SESSION_COOKIE_PREFIX })) return NextResponse.next();
  const { pathname, search } = request.nextUrl;
  if (pathname.startsWith("/api/")) return NextResponse.json({ message: "Sign in first." }, { status: 401 });
  const url = request.nextUrl.clone();
  url.pathname = "/sign-in";
  url.search = pathname === "/" ? "" : `?next=${encodeURIComponent(pathname + search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  // Everything but the sign-in library's routes and static files (the icon shows on the sign-in tab too).
  matcher: ["/((?!api/auth|api/import/uploads|api/outcomes$|_next/static|_next/image|favicon.ico|icon.svg|readme/).*)"],
};
