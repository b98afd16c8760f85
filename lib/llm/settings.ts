// The settings that bound what a model costs a run when it misbehaves: its time per call, its
// retries, and the circuit breaker. lib/env.ts validates them with the other settings.
// Only zod here: lib/env.ts, which every part of the app imports, reads this shape.
import { z } from "zod";

/**
 * The longest one call may take, its retries included, in milliseconds: a decision makes at most
 * two calls, so a stalling model costs a customer at most twice this before the rules decide.
 */
export const DEFAULT_TIMEOUT_MS = 15_000;
/** SDK retries after a 408/409/429/5xx or a connection problem, within the call's time; it honours retry-after. */
export const DEFAULT_MAX_RETRIES = 1;
/** Consecutive model faults that pause the model. */
export const DEFAULT_FAULT_LIMIT = 5;
/** How long a paused model is not called, in milliseconds. */
export const DEFAULT_COOL_DOWN_MS = 60_000;

/** A whole number of at least `min`, `fallback` when unset or empty. */
const whole = (name: string, min: number, fallback: number) =>
  z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number(`${name} must be a whole number`).int(`${name} must be a whole number`).min(min, `${name} must be at least ${min}`).default(fallback));

export const modelSettingsShape = {
  /** The longest one model call may take, its retries included, in milliseconds. */
  OPENAI_TIMEOUT_MS: whole("OPENAI_TIMEOUT_MS", 100, DEFAULT_TIMEOUT_MS),
  /** Retries of one call after a 408/409/429/5xx or a connection problem, within its time. */
  OPENAI_MAX_RETRIES: whole("OPENAI_MAX_RETRIES", 0, DEFAULT_MAX_RETRIES),
  /** Consecutive model faults after which the model is paused. */
  MODEL_FAULT_LIMIT: whole("MODEL_FAULT_LIMIT", 1, DEFAULT_FAULT_LIMIT),
  /** How long a paused model is not called, in milliseconds. */
  MODEL_PAUSE_MS: whole("MODEL_PAUSE_MS", 0, DEFAULT_COOL_DOWN_MS),
};

export type ModelFaultSettings = { [K in keyof typeof modelSettingsShape]: z.output<(typeof modelSettingsShape)[K]> };
