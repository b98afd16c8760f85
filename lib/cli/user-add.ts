// Adds a user from the command line: the first administrator of a real deployment, where the demo
// accounts cannot sign in. The password is read from standard input (or NEW_USER_PASSWORD), never
// from the arguments, so it stays out of the shell history.
// Usage: npm run user:add -- --email E --name "N" --role viewer|marketer|manager|admin
import { createUser } from "../auth/users";
import { createPrismaClient } from "../database/client";
import { openDatabase } from "../database/connection";
import { getEnv } from "../env";
import { AppError } from "../errors";
import { createUserInputSchema } from "../validations/users";
import { exitOnBadArgs, parseCommandArgs } from "./args";

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function readPassword(): Promise<string> {
  const given = getEnv().NEW_USER_PASSWORD;
  if (given) return given;
  if (process.stdin.isTTY) process.stderr.write("Password (at least 10 characters), then Enter: ");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString("utf8").split("\n")[0]!.replace(/\r$/, "");
}

const usage = `Usage: npm run user:add -- --email E --name "N" --role viewer|marketer|manager|admin
The password is read from standard input (or NEW_USER_PASSWORD), never from the arguments.`;
const parsed = parseCommandArgs(process.argv.slice(2), { email: { type: "string" }, name: { type: "string" }, role: { type: "string" } });
if (!parsed.ok) exitOnBadArgs(parsed, usage);
const { values } = parsed;

const input = createUserInputSchema.safeParse({ email: values.email, name: values.name, role: values.role, password: await readPassword() });
// Each field but the password comes from the flag of its name.
const fieldName = (field: string) => (field === "" ? "input" : field === "password" ? "password" : `--${field}`);
if (!input.success) fail(`Refused: ${input.error.issues.map((i) => `${fieldName(i.path.join("."))}: ${i.message}`).join("; ")}\n\n${usage}`);

const db = await openDatabase();
const prisma = createPrismaClient(db.url);
try {
  const created = await createUser(prisma, { actor: { id: null, label: "Command line", role: "admin" }, input: input.data });
  console.log(created.message);
} catch (err) {
  if (err instanceof AppError) fail(err.userMessage);
  throw err;
} finally {
  await prisma.$disconnect();
  await db.release();
}
