import { z } from "zod";
import { MAX_MAPPING_BYTES } from "../import/mapping-file";

export const IMPORT_KIND_LABELS = { customers: "Customers", events: "Journey events", permissions: "Contact permissions" } as const;
export const importKindSchema = z.enum(["customers", "events", "permissions"], "Choose what the file holds: customers, journey events or contact permissions.");

/** A dry run or an import of an uploaded file, as the Import screen sends it. */
export const importRunSchema = z.strictObject({
  uploadId: z.uuid("Upload the file again: its reference is not valid."),
  kind: importKindSchema,
  /** A mapping's JSON for customers in another layout; null reads the Telco layout. */
  mapping: z.string().max(MAX_MAPPING_BYTES, "The mapping is too long for a mapping.").nullable(),
  isDryRun: z.boolean(),
  isSkipInvalid: z.boolean(),
});

export type ImportRunInput = z.infer<typeof importRunSchema>;
