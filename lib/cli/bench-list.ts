// `npm run bench:list [-- --customers N]`
// Measures the customers screen's reads at scale on a throw-away PostgreSQL: N customers (default
// 1,000,000) inserted in one statement, then each query timed as the mean of 5 runs after a warm-up.
import path from "node:path";
import pg from "pg";
import { createPrismaClient } from "../database/client";
import { ensureDatabaseExists, startLocalPostgres } from "../database/embedded";
import { applyMigrations } from "../database/migrate";
import { dataDir } from "../database/paths";
import { listCustomerSegments, listCustomers } from "../queries/customers";
import { MAX_PAGE } from "../validations/list-params";
import { exitOnBadArgs, parseCommandArgs, wholeNumberArg } from "./args";

const usage = "Usage: npm run bench:list [-- --customers N]   (N from 1 to 5,000,000; default 1,000,000)";
const parsed = parseCommandArgs(process.argv.slice(2), { customers: { type: "string", default: "1000000" } });
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const customers = wholeNumberArg("--customers", parsed.values.customers, { min: 1, max: 5_000_000 });
if (!customers.ok) exitOnBadArgs(customers, usage);
const count = customers.value;
const log = (m: string) => console.error(`[bench:list] ${m}`);

const server = await startLocalPostgres({ dir: path.join(dataDir, "bench-list-pg"), isEphemeral: true });
const url = server.urlFor("cvm_bench_list");
await ensureDatabaseExists(server.urlFor("postgres"), "cvm_bench_list");
await applyMigrations(url);
const pool = new pg.Pool({ connectionString: url, max: 2 });
pool.on("error", () => {});
const db = createPrismaClient(url);
try {
  log(`Inserting ${count.toLocaleString("en-GB")} customers...`);
  await pool.query(
    `INSERT INTO "Customer" (id, name, segment, plan, "contractType", "tenureMonths", "monthlyRevenue", "valueTier", region, language, "updatedAt")
     SELECT 'CUS-' || lpad(i::text, 7, '0'),
            (ARRAY['Thomas','Grace','Amira','Oliver','Priya','Jack','Mei','Sofia'])[1 + i % 8] || ' ' ||
              (ARRAY['Watson','Hopper','Khan','Smith','Patel','Jones','Chen','Rossi','Evans','Wright'])[1 + (i / 8) % 10] || ' ' || i,
            (ARRAY['consumer','family','small_business','student','senior'])[1 + i % 5], 'Unlimited', 'month_to_month', i % 72, 20 + (i % 80),
            (ARRAY['low','medium','high','premium'])[1 + i % 4]::"ValueTier", 'London', 'en', now()
       FROM generate_series(1, $1::int) i`,
    [count],
  );
  await pool.query(`VACUUM ANALYZE "Customer"`);
  const lastPage = Math.min(MAX_PAGE, Math.max(1, Math.floor(count / 25)));
  const cases: { query: string; run: () => Promise<unknown> }[] = [
    { query: "segments for the filter", run: () => listCustomerSegments(db) },
    { query: "first page (25) with the total", run: () => listCustomers(db, { page: 1 }) },
    { query: `page ${lastPage.toLocaleString("en-GB")} (the deepest allowed)`, run: () => listCustomers(db, { page: lastPage }) },
    { query: "search by part of a name ('patel', 1 in 10 match)", run: () => listCustomers(db, { page: 1, search: "patel" }) },
    { query: "search by id prefix ('CUS-00012')", run: () => listCustomers(db, { page: 1, search: "CUS-00012" }) },
    { query: "search by name and number ('hopper 12345')", run: () => listCustomers(db, { page: 1, search: "hopper 12345" }) },
    { query: "segment filter, sorted by revenue descending", run: () => listCustomers(db, { page: 1, segment: "family", sort: "revenue", direction: "desc" }) },
    { query: "with a pending recommendation", run: () => listCustomers(db, { page: 1, hasPending: true }) },
  ];
  const rows: { query: string; "mean ms": number }[] = [];
  for (const c of cases) {
    await c.run();
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) await c.run();
    rows.push({ query: c.query, "mean ms": Number(((performance.now() - t0) / 5).toFixed(1)) });
  }
  console.log(`Customers screen reads at ${count.toLocaleString("en-GB")} customers`);
  console.table(rows);
} finally {
  await db.$disconnect();
  await pool.end();
  await server.stop();
}
