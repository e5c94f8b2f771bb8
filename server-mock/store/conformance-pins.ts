/**
 * Conformance suite, part five: wrong-PIN counts (pins.ts, migration 7) — counted per profile,
 * locked at the limit, the lock not extended by failures that race it, a fresh window after
 * the window or the lock passed, cleared on demand and with the profile, and concurrent
 * failures all counted. Every Store implementation runs it beside `storeConformance`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0, userFixture } from './conformance.ts';
import { profileFixture } from './conformance-profiles.ts';
import type { PinPolicy } from './pins.ts';
import type { Store } from './types.ts';

const POLICY: PinPolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

/** Register the wrong-PIN conformance tests for a Store implementation. */
export function pinConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name}: wrong-PIN counts`, () => {
    let store: Store;
    const alice = userFixture('user-alice');
    const kid = profileFixture('prof-alice-kid', alice.id, { pinHash: 'scrypt$pin' });
    const adult = profileFixture('prof-alice-adl', alice.id, { pinHash: 'scrypt$pin2' });
    beforeEach(async () => {
      store = await makeStore();
      expect(await store.createUser(alice)).toBe(true);
      expect(await store.createProfile(kid, 8)).toBe(true);
      expect(await store.createProfile(adult, 8)).toBe(true);
    });
    afterEach(async () => {
      await store.close();
    });

    it('counts per profile and locks at the limit; failures during the lock do not extend it', async () => {
      expect(await store.getPinState(kid.id)).toBeNull();
      for (let i = 1; i <= 4; i++) {
        expect(await store.recordPinFailure(kid.id, T0 + i, POLICY)).toEqual({ failures: i, windowStart: T0 + 1, lockedUntil: null });
      }
      expect(await store.recordPinFailure(kid.id, T0 + 5, POLICY)).toEqual({ failures: 5, windowStart: T0 + 1, lockedUntil: T0 + 5 + POLICY.lockMs });
      expect(await store.recordPinFailure(kid.id, T0 + 6, POLICY)).toEqual({ failures: 6, windowStart: T0 + 1, lockedUntil: T0 + 5 + POLICY.lockMs });
      expect(await store.getPinState(kid.id)).toEqual({ failures: 6, windowStart: T0 + 1, lockedUntil: T0 + 5 + POLICY.lockMs });
      // Another profile of the household is untouched.
      expect(await store.getPinState(adult.id)).toBeNull();
      // Once the lock has passed, a failure starts a fresh window.
      const after = T0 + 5 + POLICY.lockMs;
      expect(await store.recordPinFailure(kid.id, after, POLICY)).toEqual({ failures: 1, windowStart: after, lockedUntil: null });
    });

    it('a window that passed without reaching the limit starts again', async () => {
      await store.recordPinFailure(adult.id, T0, POLICY);
      await store.recordPinFailure(adult.id, T0 + 1, POLICY);
      expect(await store.recordPinFailure(adult.id, T0 + POLICY.windowMs, POLICY)).toEqual({ failures: 1, windowStart: T0 + POLICY.windowMs, lockedUntil: null });
    });

    it('clears on demand and with the profile; an unknown profile records nothing', async () => {
      await store.recordPinFailure(kid.id, T0, POLICY);
      await store.recordPinFailure(adult.id, T0, POLICY);
      await store.clearPinFailures(kid.id);
      expect(await store.getPinState(kid.id)).toBeNull();
      expect(await store.getPinState(adult.id)).toMatchObject({ failures: 1 });
      expect(await store.deleteProfile(alice.id, adult.id)).toBe('deleted');
      expect(await store.getPinState(adult.id)).toBeNull();
      expect(await store.recordPinFailure('prof-nobody00', T0, POLICY)).toBeNull();
      expect(await store.getPinState('prof-nobody00')).toBeNull();
    });

    it('concurrent failures all count, and the limit is reached exactly once', async () => {
      const states = await Promise.all(Array.from({ length: 8 }, () => store.recordPinFailure(kid.id, T0 + 10, POLICY)));
      expect(states.map((s) => s?.failures).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await store.getPinState(kid.id)).toEqual({ failures: 8, windowStart: T0 + 10, lockedUntil: T0 + 10 + POLICY.lockMs });
    });
  });
}
