import { authorize } from "@/lib/auth/roles";
import { getEnv } from "@/lib/env";
import { importLimitsFrom } from "@/lib/import/index";
import { listSavedMappings, suggestMapping } from "@/lib/import/mapping-file";
import { UploadError, previewUpload, saveUpload } from "@/lib/import/uploads";
import { getCurrentActor } from "@/lib/session/actor";
import { importKindSchema } from "@/lib/validations/import";
import { NO_STORE, refused } from "../respond";

export const dynamic = "force-dynamic";

/**
 * Receives a file for import as the request body (`POST /api/import/uploads?kind=customers`, its
 * name in `X-File-Name`), keeps it on disk for the dry run and the import, and answers with its
 * header, first rows and the mapping its columns suggest. Managers and administrators only.
 */
export async function POST(request: Request) {
  let actor;
  try {
    actor = authorize(await getCurrentActor(), "imports.run");
  } catch (err) {
    return refused(err);
  }
  const kind = importKindSchema.safeParse(new URL(request.url).searchParams.get("kind") ?? "customers");
  if (!kind.success) return Response.json({ message: kind.error.issues[0]?.message }, { status: 400, headers: NO_STORE });
  const fileName = decodeURIComponent(request.headers.get("x-file-name") ?? "");
  if (!request.body || fileName === "") return Response.json({ message: "Choose a file to upload." }, { status: 400, headers: NO_STORE });
  const limits = importLimitsFrom(getEnv());
  try {
    const upload = await saveUpload({ body: request.body, fileName, actorId: actor.id, limits });
    const preview = await previewUpload(upload, limits);
    const saved = kind.data === "customers" ? await listSavedMappings() : [];
    return Response.json(
      {
        uploadId: upload.id,
        fileName: upload.fileName,
        size: upload.size,
        ...preview,
        suggestedMapping: kind.data === "customers" ? suggestMapping(preview.columns, saved) : null,
      },
      { headers: NO_STORE },
    );
  } catch (err) {
    if (err instanceof UploadError) return Response.json({ message: err.message }, { status: 400, headers: NO_STORE });
    console.error("[api] POST /api/import/uploads failed", err);
    return Response.json({ message: "The file could not be received; try again." }, { status: 500, headers: NO_STORE });
  }
}
