import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Sidebar } from "@/components/layout/sidebar";
import { Providers } from "@/components/providers";
import { getEnv } from "@/lib/env";
import { getCurrentActor } from "@/lib/session/actor";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "CVM Treatment Desk", template: "%s · CVM Treatment Desk" },
  description: "Decide, review and steer retention treatments for telecom customers.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Signed out (the sign-in page) there is no navigation; each page checks the session itself.
  const actor = await getCurrentActor();
  return (
    <html lang="en">
      <body className="bg-zinc-50 text-zinc-900 antialiased">
        <Providers>
          <div className="min-h-screen lg:flex">
            {actor ? <Sidebar actor={actor} isDemo={getEnv().DEMO_MODE === true} /> : null}
            <main className="min-w-0 flex-1 px-4 py-6 sm:px-6 lg:px-8">
              <div className="mx-auto max-w-7xl">{children}</div>
            </main>
          </div>
        </Providers>
      </body>
    </html>
  );
}
