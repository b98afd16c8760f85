import { describe, expect, test } from "vitest";
import { copyField, copyJson, copyJsonOrNull, copyLine, copyRow, copyRows, inChunks } from "./copy";
import { usePoolPerTest } from "./testing";

test.each([
  { value: null, field: "\\N" },
  { value: true, field: "t" },
  { value: false, field: "f" },
  { value: 1.5, field: "1.5" },
  { value: "plain", field: "plain" },
  { value: "a\tb\nc\rd\\e", field: "a\\tb\\nc\\rd\\\\e" },
])("copyField($value) is $field", ({ value, field }) => {
  expect(copyField(value)).toBe(field);
});

test.each([
  { value: undefined, field: "\\N" },
  { value: null, field: "\\N" },
  { value: [], field: "[]" },
  { value: { note: 'a "b" \\ c' }, field: '{"note":"a \\\\"b\\\\" \\\\\\\\ c"}' },
])("copyJsonOrNull($value) is $field", ({ value, field }) => {
  expect(copyJsonOrNull(value)).toBe(field);
});

test("copyLine joins encoded fields with tabs and ends the row, as copyRow does for raw values", () => {
  expect(copyLine([copyField("a\tb"), copyField(null), copyJson({ x: 1 })])).toBe('a\\tb\t\\N\t{"x":1}\n');
  expect(copyLine(["x", "\\N", "1"])).toBe(copyRow(["x", null, 1]));
});

test("inChunks joins rows into pieces of about the size asked, each a whole number of rows, losing no byte", () => {
  const rows = Array.from({ length: 300 }, (_, n) => `${n}\tcafé — ${"x".repeat(n)}\n`);
  const chunks = [...inChunks(rows, 4_096)];
  expect(chunks.length).toBeGreaterThan(5);
  for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(4_096);
  for (const chunk of chunks) expect(chunk.toString("utf8").endsWith("\n")).toBe(true);
  expect(Buffer.concat(chunks).toString("utf8")).toBe(rows.join(""));
  expect([...inChunks([])]).toEqual([]);
});

describe("copyRows", () => {
  const t = usePoolPerTest({ max: 2 });

  test("loads rows of text and JSON across many chunks exactly as written, multi-byte characters and escapes included", async () => {
    await t.pool.query(`CREATE TABLE copied (n int PRIMARY KEY, label text, doc json)`);
    const docs = Array.from({ length: 2_000 }, (_, n) => ({ n, text: `Retention call — £${n}… "quoted" \\ back\tslash`, steps: Array.from({ length: n % 7 }, (_, k) => ({ k, note: "é".repeat(k) })) }));
    const client = await t.pool.connect();
    try {
      await copyRows(client, "copied (n, label, doc)", docs.map((d) => copyLine([copyField(d.n), copyField(`line ${d.n}\nnext`), copyJson(d)])));
    } finally {
      client.release();
    }
    const { rows } = await t.pool.query<{ n: number; label: string; doc: unknown }>(`SELECT n, label, doc FROM copied ORDER BY n`);
    expect(rows).toHaveLength(2_000);
    expect(rows.map((r) => r.doc)).toEqual(docs);
    expect(rows[1_999]!.label).toBe("line 1999\nnext");
  });
});
