// Files uploaded on the Import screen wait on the server's disk between the upload, its dry run and
// the import: streamed there (never held in memory), each in a folder of its own with who uploaded
// it, readable only by that person, and cleared a day later.
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { formatOf, openImportFile, type ImportLimits } from "./source";

const UPLOADS_DIR = path.join(os.tmpdir(), "cvm-import-uploads");
const KEEP_MS = 24 * 60 * 60 * 1000;
const UPLOAD_ID = /^[0-9a-f-]{36}$/;

export type Upload = { id: string; filePath: string; fileName: string; size: number };

type Meta = { actorId: string | null; fileName: string; size: number; createdAt: string };

export class UploadError extends Error {
  override name = "UploadError";
}

/** A file name safe to keep: its last path part, without control characters; the extension decides the format. */
export function safeFileName(name: string): string {
  const base = path.basename(name.replaceAll("\\", "/")).replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return base.slice(-120) || "upload";
}

async function clearOld(now = Date.now()): Promise<void> {
  const entries = await readdir(UPLOADS_DIR).catch(() => [] as string[]);
  for (const id of entries) {
    const info = await stat(path.join(UPLOADS_DIR, id)).catch(() => null);
    if (info && now - info.mtimeMs > KEEP_MS) await rm(path.join(UPLOADS_DIR, id), { recursive: true, force: true });
  }
}

/** Streams `body` to disk, refusing it once it passes the size the format allows. */
export async function saveUpload(opts: { body: WebReadableStream<Uint8Array> | ReadableStream<Uint8Array>; fileName: string; actorId: string | null; limits: ImportLimits }): Promise<Upload> {
  const fileName = safeFileName(opts.fileName);
  const format = formatOf(fileName);
  if (format === null) throw new UploadError(`${fileName}: only .csv and .json files can be imported.`);
  const maxBytes = format === "csv" ? opts.limits.maxBytes : opts.limits.maxJsonBytes;
  await clearOld();
  const id = randomUUID();
  const dir = path.join(UPLOADS_DIR, id);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const filePath = path.join(dir, fileName);
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) done(new UploadError(`${fileName} is larger than the ${maxBytes.toLocaleString("en-GB")} bytes a ${format.toUpperCase()} file may have.`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(opts.body as WebReadableStream<Uint8Array>), limit, createWriteStream(filePath, { mode: 0o600 }));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  if (size === 0) {
    await rm(dir, { recursive: true, force: true });
    throw new UploadError(`${fileName} is empty.`);
  }
  const meta: Meta = { actorId: opts.actorId, fileName, size, createdAt: new Date().toISOString() };
  await writeFile(path.join(dir, "upload.json"), JSON.stringify(meta), { mode: 0o600 });
  return { id, filePath, fileName, size };
}

/** The upload `id` if `actorId` made it; null otherwise (someone else's, cleared, or never made). */
export async function findUpload(id: string, actorId: string | null): Promise<Upload | null> {
  if (!UPLOAD_ID.test(id)) return null;
  const dir = path.join(UPLOADS_DIR, id);
  const meta = await readFile(path.join(dir, "upload.json"), "utf8")
    .then((t) => JSON.parse(t) as Meta)
    .catch(() => null);
  if (!meta || meta.actorId !== actorId) return null;
  return { id, filePath: path.join(dir, meta.fileName), fileName: meta.fileName, size: meta.size };
}

export async function removeUpload(id: string): Promise<void> {
  if (UPLOAD_ID.test(id)) await rm(path.join(UPLOADS_DIR, id), { recursive: true, force: true });
}

export type UploadPreview = { columns: string[]; rows: Record<string, string>[]; problem: string | null };

/** The header and first `count` rows of an upload, read without reading the rest. */
export async function previewUpload(upload: Upload, limits: ImportLimits, count = 5): Promise<UploadPreview> {
  const opened = await openImportFile({ filePath: upload.filePath, limits });
  if (!opened.ok) return { columns: [], rows: [], problem: opened.reason };
  let columns: string[] = [];
  const rows: Record<string, string>[] = [];
  for await (const batch of opened.file.items) {
    for (const item of batch) {
      if (item.type === "refused") return { columns, rows, problem: item.reason };
      if (item.type === "columns") columns = item.columns;
      if (item.type === "row") {
        rows.push(item.row.fields);
        if (columns.length === 0) columns = Object.keys(item.row.fields);
      }
      if (rows.length >= count) return { columns, rows, problem: null };
    }
  }
  return { columns, rows, problem: null };
}
