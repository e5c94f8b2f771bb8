/**
 * The wrong-PIN rule both stores apply (migration 7's `pin_failures`): a profile that gets
 * `maxFailures` wrong PINs within `windowMs` is locked for `lockMs` from the last of them. The
 * counts are in the store — not in one process's memory — so a restart forgets nothing and
 * several global instances over one PostgreSQL share one limit. Each store runs `nextPinState`
 * inside a transaction that holds the profile's row, so concurrent failures all count.
 */

/** The limit on wrong PINs. */
export interface PinPolicy {
  /** Wrong PINs allowed within the window; the last of them locks the profile. */
  maxFailures: number;
  windowMs: number;
  /** How long the lock lasts, from the failure that set it. */
  lockMs: number;
}

/** A profile's wrong-PIN state as stored. */
export interface PinState {
  /** Wrong PINs in the current window. */
  failures: number;
  /** When the current window began (its first failure). */
  windowStart: number;
  /** Locked until this instant (epoch ms); null = not locked. */
  lockedUntil: number | null;
}

/** The state after one more wrong PIN at `at` (`prev` null: none stored). */
export function nextPinState(prev: PinState | null, at: number, policy: PinPolicy): PinState {
  const lockedNow = prev !== null && prev.lockedUntil !== null && prev.lockedUntil > at;
  const fresh = prev === null || (!lockedNow && (prev.lockedUntil !== null || at - prev.windowStart >= policy.windowMs));
  if (fresh) return { failures: 1, windowStart: at, lockedUntil: policy.maxFailures <= 1 ? at + policy.lockMs : null };
  const failures = prev.failures + 1;
  // A failure that raced a lock (counted by another instance meanwhile) does not extend it.
  const lockedUntil = lockedNow ? prev.lockedUntil : failures >= policy.maxFailures ? at + policy.lockMs : null;
  return { failures, windowStart: prev.windowStart, lockedUntil };
}

/** The instant a lock in `state` ends, when one is in force at `at`; null otherwise. */
export function lockInForce(state: PinState | null, at: number): number | null {
  return state !== null && state.lockedUntil !== null && state.lockedUntil > at ? state.lockedUntil : null;
}
