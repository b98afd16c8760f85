// Sign-in attempts per account and per address within a time window, so passwords cannot be
// guessed at speed. Kept in this server process (the app runs as one); a restart forgets them.

export type AttemptLimiter = {
  /** Counts an attempt for every key; false when any key is already at its limit (nothing counted then). */
  hit(keys: string[], now?: number): boolean;
  /** Forgets a key's attempts (after a successful sign-in). */
  clear(key: string): void;
};

export function createAttemptLimiter(opts: { max: number; windowMs: number; maxKeys?: number }): AttemptLimiter {
  const attempts = new Map<string, number[]>();
  const maxKeys = opts.maxKeys ?? 100_000;
  const recent = (key: string, now: number) => (attempts.get(key) ?? []).filter((t) => now - t < opts.windowMs);
  return {
    hit(keys, now = Date.now()) {
      const windows = keys.map((k) => [k, recent(k, now)] as const);
      if (windows.some(([, w]) => w.length >= opts.max)) return false;
      // Bounded memory: the oldest keys go first when a flood of new ones arrives.
      while (attempts.size >= maxKeys) attempts.delete(attempts.keys().next().value!);
      for (const [k, w] of windows) {
        attempts.delete(k);
        attempts.set(k, [...w, now]);
      }
      return true;
    },
    clear(key) {
      attempts.delete(key);
    },
  };
}
