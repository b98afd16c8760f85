import { z } from "zod";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../auth/limits";
import { ROLES } from "../auth/roles";
import { plainText } from "./text";

const userIdSchema = z.uuid("Not a user id.");
const roleSchema = z.enum(ROLES, `The role is one of ${ROLES.join(", ")}.`);
const passwordSchema = z
  .string("The password must be text.")
  .min(MIN_PASSWORD_LENGTH, `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH, `The password has at most ${MAX_PASSWORD_LENGTH} characters.`);
const emailSchema = z
  .string("The email address must be text.")
  .trim()
  .toLowerCase()
  .max(254, "An email address has at most 254 characters.")
  .pipe(z.email("Enter a valid email address."));

export const createUserInputSchema = z
  .object({ email: emailSchema, name: plainText("The name", { max: 80 }), role: roleSchema, password: passwordSchema })
  .strict();

export const updateUserInputSchema = z
  .object({ id: userIdSchema, name: plainText("The name", { max: 80 }), role: roleSchema, isActive: z.boolean("Say whether the user is active.") })
  .strict();

export const resetPasswordInputSchema = z.object({ id: userIdSchema, password: passwordSchema }).strict();

export type CreateUserInput = z.input<typeof createUserInputSchema>;
export type UpdateUserInput = z.input<typeof updateUserInputSchema>;
export type ResetPasswordInput = z.input<typeof resetPasswordInputSchema>;
