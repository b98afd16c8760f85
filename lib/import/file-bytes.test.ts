import { describe, expect, test } from "vitest";
import { ByteCheck, FileBytesError, firstInvalidUtf8 } from "./file-bytes";

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

/** Runs `chunks` through a check; the refusal's reason, or the fingerprint's byte count. */
function run(chunks: Buffer[], maxBytes = 1_000_000): string | number {
  const check = new ByteCheck({ maxBytes });
  try {
    for (const c of chunks) check.check(c);
    return check.finish().bytes;
  } catch (err) {
    if (err instanceof FileBytesError) return err.reason;
    throw err;
  }
}

/** Every way of cutting `data` into two chunks. */
const splits = (data: Buffer) => Array.from({ length: data.length + 1 }, (_, i) => [data.subarray(0, i), data.subarray(i)]);

describe("firstInvalidUtf8", () => {
  test.each([
    ["ASCII", bytes("abc"), -1],
    ["two-, three- and four-byte characters", bytes("é€😀"), -1],
    ["a Latin-1 é before a newline", bytes("c", [0xe9], "\n"), 1],
    ["a lone continuation byte", bytes("ab", [0x80]), 2],
    ["an overlong slash (C0 AF)", bytes([0xc0, 0xaf]), 0],
    ["an overlong three-byte form (E0 80 80)", bytes([0xe0, 0x80, 0x80]), 0],
    ["a UTF-16 surrogate (ED A0 80)", bytes("x", [0xed, 0xa0, 0x80]), 1],
    ["a code point above U+10FFFF (F4 90 80 80)", bytes([0xf4, 0x90, 0x80, 0x80]), 0],
    ["a character cut off at the end", bytes("ab", [0xe2, 0x82]), 2],
  ])("%s: %i", (_name, data, expected) => {
    expect(firstInvalidUtf8(data)).toBe(expected);
  });

  test("a character cut off at the end of a chunk is left for the next one", () => {
    expect(firstInvalidUtf8(bytes("ab", [0xe2, 0x82]), false)).toBe(-1);
  });
});

describe("ByteCheck", () => {
  test("passes UTF-8 cut anywhere between chunks, a character split included", () => {
    const data = bytes("\uFEFFid,name\r\nA-1,Zoë 😀\r\n");
    for (const chunks of splits(data)) expect(run(chunks)).toBe(data.length);
  });

  test.each([
    ["on line 1", bytes("c", [0xe9], "\n"), "line 1: not UTF-8 text at byte offset 1 (bytes e9 0a)"],
    ["after two LF lines", bytes("a\nb\nc", [0xff]), "line 3: not UTF-8 text at byte offset 5"],
    ["after CRLF lines, counted once each", bytes("a\r\nb\r\n", [0xff]), "line 3: not UTF-8 text at byte offset 6"],
    ["after a lone CR", bytes("a\r", [0xff]), "line 2: not UTF-8 text at byte offset 2"],
    ["in a character cut off by the end of the file", bytes("a\n", [0xe2, 0x82]), "line 2: not UTF-8 text at byte offset 2 (bytes e2 82)"],
  ])("names the line and byte offset of a bad byte %s, wherever the chunks are cut", (_name, data, reason) => {
    for (const chunks of splits(data)) expect(run(chunks)).toEqual(expect.stringContaining(reason));
  });

  test.each([
    [10, 10, 10],
    [11, 10, "the file is larger than 10 bytes (IMPORT_MAX_BYTES)"],
  ])("a file of %i bytes under a limit of %i: %s", (size, maxBytes, expected) => {
    expect(run([Buffer.alloc(size, 0x61)], maxBytes)).toBe(expected);
  });

  test("fingerprints the file with SHA-256", () => {
    const check = new ByteCheck({ maxBytes: 100 });
    check.check(Buffer.from("ab"));
    check.check(Buffer.from("c"));
    expect(check.finish().fileSha256).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
