import { authorize } from "@/lib/auth/roles";
import { getEnv } from "@/lib/env";
import type { ImportProgress } from "@/lib/import/index";
import { runUpload, type UploadResult } from "@/lib/import/run-upload";
import { findUpload, removeUpload } from "@/lib/import/uploads";
import { getCurrentActor } from "@/lib/session/actor";
import { importRunSchema } from "@/lib/validations/import";
import { NO_STORE, refused } from "../respond";

export const dynamic = "force-dynamic";

/** One line of the answer: progress while it works, then the result. */
export type ImportRunEvent = { type: "progress"; progress: ImportProgress } | { type: "result"; result: UploadResult };

// Often enough to look live, rarely enough not to flood a slow connection.
const PROGRESS_EVERY_MS = 150;

/**
 * Dry-runs or imports an uploaded file (`POST /api/import/runs`, JSON body), answering with one
 * JSON object per line as it goes: progress, then the result. Managers and administrators only.
 */
export async function POST(request: Request) {
  let actor;
  try {
    actor = authorize(await getCurrentActor(), "imports.run");
  } catch (err) {
    return refused(err);
  }
  const parsed = importRunSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ message: parsed.error.issues.map((i) => i.message).join(" ") }, { status: 400, headers: NO_STORE });
  const input = parsed.data;
  const upload = await findUpload(input.uploadId, actor.id);
  if (!upload) return Response.json({ message: "The uploaded file is no longer here (uploads are kept for a day); upload it again." }, { status: 404, headers: NO_STORE });
  const url = getEnv().DATABASE_URL;
  if (!url) return Response.json({ message: "The database is not configured." }, { status: 500, headers: NO_STORE });

  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: ImportRunEvent) => controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
      let sentAt = 0;
      const onProgress = (progress: ImportProgress) => {
        const isLast = progress.phase === "writing" && progress.written === progress.total;
        if (!isLast && performance.now() - sentAt < PROGRESS_EVERY_MS) return;
        sentAt = performance.now();
        send({ type: "progress", progress });
      };
      let result: UploadResult;
      try {
        result = await runUpload({ url, upload, kind: input.kind, mappingText: input.mapping, isDryRun: input.isDryRun, isSkipInvalid: input.isSkipInvalid, actor, onProgress });
        if (result.ok && !result.isDryRun) await removeUpload(upload.id);
      } catch (err) {
        console.error("[api] POST /api/import/runs failed", { uploadId: upload.id, kind: input.kind, isDryRun: input.isDryRun }, err);
        result = { ok: false, message: "The import failed and nothing was changed; try again shortly.", problems: [], problemsTotal: 0 };
      }
      send({ type: "result", result });
      controller.close();
    },
  });
  return new Response(body, { headers: { ...NO_STORE, "Content-Type": "application/x-ndjson; charset=utf-8" } });
}
