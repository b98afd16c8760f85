import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { copyField, copyJson, copyRow, copyRows, inChunks } from "./copy";
import { type TestDatabase, createTestDatabase } from "./testing";

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

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

test("inChunks joins rows into pieces of about the size asked, each a whole number of rows, losing no byte", () => {
  const rows = Array.from({ length: 300 }, (_, n) => `${n}\tcafé — ${"x".repeat(n)}\n`);
  const chunks = [...inChunks(rows, 4_096)];
  expect(chunks.length).toBeGreaterThan(5);
  for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(4_096);
  for (const chunk of chunks) expect(chunk.toString("utf8").endsWith("\n")).toBe(true);
  expect(Buffer.concat(chunks).toString("utf8")).toBe(rows.join(""));
  expect([...inChunks([])]).toEqual([]);
});

test("copyRows loads rows of text and JSON across many chunks exactly as written, multi-byte characters and escapes included", async () => {
  await pool.query(`CREATE TABLE copied (n int PRIMARY KEY, label text, doc json)`);
  const docs = Array.from({ length: 2_000 }, (_, n) => ({ n, text: `Retention call — £${n}… "quoted" \\ back\tslash`, steps: Array.from({ length: n % 7 }, (_, k) => ({ k, note: "é".repeat(k) })) }));
  const client = await pool.connect();
  try {
    await copyRows(client, "copied (n, label, doc)", docs.map((d) => `${copyRow([d.n, `line ${d.n}\nnext`])}`.slice(0, -1) + `\t${copyJson(d)}\n`));
  } finally {
    client.release();
  }
  const { rows } = await pool.query<{ n: number; label: string; doc: unknown }>(`SELECT n, label, doc FROM copied ORDER BY n`);
  expect(rows).toHaveLength(2_000);
  expect(rows.map((r) => r.doc)).toEqual(docs);
  expect(rows[1_999]!.label).toBe("line 1999\nnext");
});
