import { z } from "zod";

// Free text people type (reasons, names, descriptions) is shown on other people's screens and kept
// in the audit trail: it is plain text, so markup and control characters are refused, not stored.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const MARKUP = /<\s*[a-zA-Z!/?]|&#?[a-zA-Z0-9]+;/;

/** Plain text of at most `max` characters (trimmed), without markup or control characters; `label` names it in messages. */
export function plainText(label: string, opts: { min?: number; max: number }) {
  const min = opts.min ?? 1;
  return z
    .string({ error: `${label} must be text.` })
    .trim()
    .min(min, min === 1 ? `${label} is required.` : `${label} needs at least ${min} characters.`)
    .max(opts.max, `${label} has at most ${opts.max} characters.`)
    .refine((s) => !CONTROL.test(s), `${label} cannot contain control characters.`)
    .refine((s) => !MARKUP.test(s), `${label} cannot contain markup such as <tags> or &entities;.`);
}
