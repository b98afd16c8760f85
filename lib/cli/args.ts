// The one way commands read their arguments: node's util.parseArgs, with refusals that name the
// flag at fault in plain words, never a stack trace. `--help` and `-h` are understood by every
// command. Parsing never throws and never exits, so each command's rules can be tested.
import { parseArgs } from "node:util";

type OptionSpec = { type: "string" | "boolean"; multiple?: boolean; short?: string; default?: string | boolean | string[] | boolean[] };

export type OptionSpecs = Record<string, OptionSpec>;

type Values<O extends OptionSpecs> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>>["values"];

export type ParsedArgs<O extends OptionSpecs> =
  | { ok: true; values: Values<O>; positionals: string[] }
  | { ok: false; error: string }
  | { ok: false; isHelp: true };

/**
 * Parses `argv` against `options` (`--name value` or `--name=value`; a `--` ends the options).
 * Refuses unknown flags, a value missing or given to a flag that takes none, and more than
 * `maxPositionals` other arguments (default none).
 */
export function parseCommandArgs<O extends OptionSpecs>(argv: readonly string[], options: O, opts: { maxPositionals?: number } = {}): ParsedArgs<O> {
  const args = [...argv];
  // A first pass that accepts anything, to name what is wrong in the command's own terms.
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === "option-terminator") break;
    if (token.kind !== "option") continue;
    if (token.name === "help" || token.name === "h") return { ok: false, isHelp: true };
  }
  let positionals = 0;
  for (const token of tokens) {
    if (token.kind === "positional") {
      positionals += 1;
      if (positionals > (opts.maxPositionals ?? 0)) {
        return { ok: false, error: opts.maxPositionals ? `Unexpected argument "${token.value}".` : `Unexpected argument "${token.value}": this command takes only options.` };
      }
      continue;
    }
    if (token.kind !== "option") continue;
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (spec === undefined) return { ok: false, error: `Unknown option "${token.rawName}".` };
    if (spec.type === "boolean" && token.value !== undefined) return { ok: false, error: `${token.rawName} takes no value; got "${token.value}".` };
    if (spec.type === "string") {
      if (token.value === undefined) return { ok: false, error: `${token.rawName} needs a value.` };
      // `--customers --seed 5`: the next flag was taken for the value, most likely by mistake.
      if (!token.inlineValue && token.value.startsWith("-")) {
        return { ok: false, error: `${token.rawName} needs a value; got the option "${token.value}" (write ${token.rawName}=${token.value} if that is the value).` };
      }
    }
  }
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { ok: true, values: parsed.values as Values<O>, positionals: parsed.positionals };
  } catch (err) {
    // The checks above leave nothing for the strict pass to refuse; this keeps the promise not to throw.
    return { ok: false, error: (err as Error).message.split("\n")[0] ?? String(err) };
  }
}

/** A whole number from `min` to `max` given to `flag` (underscores as digit separators), or why not. */
export function wholeNumberArg(flag: string, raw: string, range: { min: number; max: number }): { ok: true; value: number } | { ok: false; error: string } {
  const digits = raw.replaceAll("_", "");
  const span = `from ${range.min.toLocaleString("en-GB")} to ${range.max.toLocaleString("en-GB")}`;
  if (!/^\d+$/.test(digits)) return { ok: false, error: `${flag} must be a whole number ${span}; got "${raw}".` };
  const value = Number(digits);
  if (value < range.min || value > range.max) return { ok: false, error: `${flag} must be ${span}; got ${raw}.` };
  return { ok: true, value };
}

/** Ends a command whose arguments were refused (exit 2, with its usage) or asked for help (exit 0). */
export function exitOnBadArgs(parsed: { ok: false; error: string } | { ok: false; isHelp: true }, usage: string): never {
  if ("isHelp" in parsed) {
    console.log(usage);
    process.exit(0);
  }
  console.error(`${parsed.error}\n\n${usage}`);
  process.exit(2);
}
