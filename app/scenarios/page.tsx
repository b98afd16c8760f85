import type { Metadata } from "next";
import { connection } from "next/server";
import { ScenarioPlanner } from "@/components/scenarios/scenario-planner";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { SCENARIO_MAX_CUSTOMERS } from "@/lib/pipeline/scenario";
import { countCustomers, listCustomerSegments } from "@/lib/queries/customers";
import { getScenarioWorld, listScenarios } from "@/lib/queries/scenarios";
import { requireSignedIn } from "@/lib/session/actor";

export const metadata: Metadata = { title: "Scenarios" };

export default async function ScenariosPage() {
  await connection();
  const actor = await requireSignedIn();
  const [world, segments, saved, customerCount] = await Promise.all([getScenarioWorld(db), listCustomerSegments(db), listScenarios(db), countCustomers(db)]);

  return (
    <>
      <PageHeader
        title="Scenarios"
        description="Try limits, reserves, treatment costs and activation before changing them: the customers are decided as a run would, in memory, and planned as things stand and under the scenario. Nothing is written and no capacity is held."
      />
      <ScenarioPlanner
        resources={world.resources}
        treatments={world.treatments}
        segments={segments}
        saved={saved}
        customerCount={customerCount}
        maxCustomers={SCENARIO_MAX_CUSTOMERS}
        canPlan={can(actor.role, "runs.start")}
        canManage={can(actor.role, "constraints.manage")}
      />
    </>
  );
}
