// The demo's catalog is the default one (lib/catalog/defaults.ts), put back as defined, with
// capacities scaled to the demo's customer base so that scarce resources stay scarce.
import type pg from "pg";
import { writeDefaultCatalog } from "../../lib/catalog/defaults";

export { startOfUtcDay } from "../../lib/catalog/defaults";

/**
 * Upserts every resource and treatment of the default catalog (idempotent). A limit is never set
 * below what is already used, so re-running it on a live database cannot break a capacity rule.
 */
export function seedCatalog(
  client: Pick<pg.ClientBase, "query">,
  opts: { customerCount: number; anchor?: Date },
): Promise<{ treatments: number; resources: number }> {
  return writeDefaultCatalog(client, { ...opts, isOverwrite: true });
}
