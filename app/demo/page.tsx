import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { DEMO_CUSTOMERS } from "@/lib/demo/reset";
import { DEMO_GUIDE } from "@/lib/demo/guide";
import { getEnv } from "@/lib/env";
import { requireSignedIn } from "@/lib/session/actor";
import { ResetDemo } from "./reset-demo";

export const metadata: Metadata = { title: "Demo" };

export default async function DemoPage() {
  await connection();
  const actor = await requireSignedIn();
  if (!getEnv().DEMO_MODE) notFound();
  const activeRun = await db.run.findFirst({ where: { status: { in: ["queued", "running"] } }, select: { id: true } });

  return (
    <>
      <PageHeader title="Demo" description="A short guided path for presenters, and a way back to the fresh demo data." />

      <Section title="Guided path" description="About ten minutes. Each step opens the screen to show.">
        <ol className="grid gap-4 lg:grid-cols-2" data-testid="demo-guide">
          {DEMO_GUIDE.map((step, i) => (
            <li key={step.href} className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm" data-testid="demo-step">
              <div className="flex items-baseline justify-between gap-3">
                <h3 className="text-sm font-semibold text-zinc-900">
                  <span className="mr-2 inline-grid h-6 w-6 place-items-center rounded-full bg-indigo-600 text-xs text-white">{i + 1}</span>
                  {step.title}
                </h3>
                <Link href={step.href} className="whitespace-nowrap text-sm font-medium text-indigo-700 hover:underline">
                  Open<span className="sr-only"> {step.title}</span> →
                </Link>
              </div>
              <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-zinc-700">
                {step.show.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
              <p className="mt-2 border-l-2 border-indigo-200 pl-3 text-sm italic text-zinc-600">“{step.say}”</p>
            </li>
          ))}
        </ol>
      </Section>

      <Section title="Reset the demo" description="Back to the seeded state: the same customers, journeys, catalog and capacities, with no runs or reviews.">
        <div className="rounded-lg border border-zinc-200 bg-white p-4 shadow-sm">
          {can(actor.role, "demo.reset") ? (
            <ResetDemo demoCustomers={DEMO_CUSTOMERS} hasActiveRun={activeRun !== null} />
          ) : (
            <p className="text-sm text-zinc-600" data-testid="reset-read-only">
              A manager or an administrator can reset the demo.
            </p>
          )}
        </div>
      </Section>
    </>
  );
}
