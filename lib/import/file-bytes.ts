// An import file's bytes checked as they stream past: UTF-8 throughout, within the size limit,
// fingerprinted and counted in lines, so no check needs the whole file in memory.
import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";

/** Why the bytes of a file cannot be imported; `reason` names where. */
export class FileBytesError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Index of the first byte of the first sequence that is not UTF-8, or -1. `isEnd` false lets a
 * sequence cut off by the end of `bytes` pass, as the next chunk may complete it.
 */
export function firstInvalidUtf8(bytes: Uint8Array, isEnd = true): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    // The allowed range of the second byte excludes overlong forms and surrogates (RFC 3629).
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      if (i + k >= n) return isEnd ? i : -1;
      const c = bytes[i + k]!;
      if (k === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

/** Where a possibly unfinished UTF-8 sequence starts at the end of `bytes` (its length if none). */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return n - i < need ? i : n;
  }
  return n;
}

const count = (n: number) => n.toLocaleString("en-GB");

/**
 * Follows a file's bytes chunk by chunk. `check` throws a FileBytesError at the first byte that is
 * not UTF-8 (naming its line and byte offset) or once more than `maxBytes` have come.
 */
export class ByteCheck {
  private readonly hash = createHash("sha256");
  private readonly maxBytes: number;
  /** Bytes checked so far, not counting `carry`. */
  private offset = 0;
  /** Line breaks before `offset`: LF, CRLF or a lone CR, as the CSV reader counts them. */
  private breaks = 0;
  /** Whether the byte before `offset` is a CR, which an LF at `offset` would join. */
  private isAfterCr = false;
  /** The start of a character the next chunk completes. */
  private carry: Buffer = Buffer.alloc(0);

  constructor(opts: { maxBytes: number }) {
    this.maxBytes = opts.maxBytes;
  }

  /** Checks the next chunk of the file. */
  check(chunk: Buffer): void {
    if (this.offset + this.carry.length + chunk.length > this.maxBytes) {
      throw new FileBytesError(`the file is larger than ${count(this.maxBytes)} bytes (IMPORT_MAX_BYTES)`);
    }
    this.hash.update(chunk);
    const bytes = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const cut = completeLength(bytes);
    const whole = bytes.subarray(0, cut);
    if (!isUtf8(whole)) this.refuse(whole, firstInvalidUtf8(whole, false));
    this.countBreaks(whole);
    this.offset += whole.length;
    this.carry = Buffer.from(bytes.subarray(cut));
  }

  /** Ends the check: a character left unfinished at the end of the file is not UTF-8 either. */
  finish(): { fileSha256: string; bytes: number } {
    if (this.carry.length > 0) this.refuse(this.carry, 0);
    return { fileSha256: this.hash.digest("hex"), bytes: this.offset };
  }

  private refuse(bytes: Buffer, index: number): never {
    const at = Math.max(0, index);
    this.countBreaks(bytes.subarray(0, at));
    const hex = bytes.subarray(at, at + 4).toString("hex").replace(/(..)/g, "$1 ").trim();
    // The bad byte is no LF, so a CR just before it ended a line.
    const line = this.breaks + 1 + (this.isAfterCr ? 1 : 0);
    throw new FileBytesError(`line ${count(line)}: not UTF-8 text at byte offset ${count(this.offset + at)} (bytes ${hex}); save the file as UTF-8`);
  }

  private countBreaks(bytes: Buffer): void {
    if (bytes.length === 0) return;
    // A CR at the end of the last chunk was left uncounted: it is a line end of its own unless an LF follows.
    if (this.isAfterCr && bytes[0] !== LF) this.breaks += 1;
    for (let at = bytes.indexOf(LF); at !== -1; at = bytes.indexOf(LF, at + 1)) this.breaks += 1;
    for (let at = bytes.indexOf(CR); at !== -1 && at < bytes.length - 1; at = bytes.indexOf(CR, at + 1)) {
      if (bytes[at + 1] !== LF) this.breaks += 1;
    }
    this.isAfterCr = bytes[bytes.length - 1] === CR;
  }
}

/** Passes `chunks` on unchanged after checking each; `onEnd` gets the fingerprint once all have passed. */
export async function* checkedChunks(
  chunks: AsyncIterable<Buffer>,
  opts: { maxBytes: number; onEnd: (facts: { fileSha256: string; bytes: number }) => void },
): AsyncGenerator<Buffer> {
  const check = new ByteCheck({ maxBytes: opts.maxBytes });
  for await (const chunk of chunks) {
    check.check(chunk);
    yield chunk;
  }
  opts.onEnd(check.finish());
}
