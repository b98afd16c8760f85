// Sign-in settings shared by the sign-in library, the Users screen and the proxy (plain values: no server code).
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;
/** The session cookie is `cvm.session_token`; the proxy looks for it before any page is rendered. */
export const SESSION_COOKIE_PREFIX = "cvm";
