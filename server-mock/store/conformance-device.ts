/**
 * Conformance suite, part two: device codes (linking TVs, RFC 8628) and expiry. Every Store
 * implementation runs it beside `storeConformance`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0, terminalFixture, userFixture } from './conformance.ts';
import type { DeviceCodeRow, Store } from './types.ts';

/** A code pair created at T0, valid for 10 minutes. */
export function deviceCodeFixture(userCode: string, extra: Partial<DeviceCodeRow> = {}): DeviceCodeRow {
  return {
    deviceCodeHash: `hash-${userCode}`,
    userCode,
    terminalName: 'Living-room TV',
    terminalType: 'stb',
    createdAt: T0,
    expiresAt: T0 + 600_000,
    intervalSec: 5,
    lastPollAt: null,
    approvedUserId: null,
    approvedAt: null,
    consumedAt: null,
    terminalId: null,
    ...extra,
  };
}

/** Register the device-code conformance tests for a Store implementation. */
export function deviceCodeConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name}: device codes and expiry`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
      await store.createUser(userFixture('u-alice'));
      await store.createUser(userFixture('u-bob'));
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates a code pair once per user code and finds it both ways', async () => {
      expect(await store.createDeviceCode(deviceCodeFixture('BCDFGHJK'))).toBe(true);
      expect(await store.createDeviceCode(deviceCodeFixture('BCDFGHJK', { deviceCodeHash: 'other' }))).toBe(false);
      expect((await store.findDeviceCode('hash-BCDFGHJK'))?.userCode).toBe('BCDFGHJK');
      expect((await store.findDeviceCodeByUserCode('BCDFGHJK'))?.deviceCodeHash).toBe('hash-BCDFGHJK');
      expect(await store.findDeviceCodeByUserCode('ZZZZZZZZ')).toBeNull();
      expect(await store.findDeviceCode('other')).toBeNull();
    });

    it('approves once, only before expiry', async () => {
      await store.createDeviceCode(deviceCodeFixture('BCDFGHJK'));
      await store.createDeviceCode(deviceCodeFixture('LMNPQRST'));
      expect(await store.approveDeviceCode('BCDFGHJK', 'u-alice', 'Bedroom TV', T0 + 1000)).toBe(true);
      expect(await store.approveDeviceCode('BCDFGHJK', 'u-bob', 'Mine now', T0 + 2000)).toBe(false);
      const row = await store.findDeviceCode('hash-BCDFGHJK');
      expect(row).toMatchObject({ approvedUserId: 'u-alice', approvedAt: T0 + 1000, terminalName: 'Bedroom TV' });
      expect(await store.approveDeviceCode('LMNPQRST', 'u-alice', 'Late', T0 + 600_000)).toBe(false);
      expect(await store.approveDeviceCode('NOSUCHCD', 'u-alice', 'X', T0)).toBe(false);
    });

    it('consumes an approved code exactly once, creating the terminal atomically', async () => {
      await store.createDeviceCode(deviceCodeFixture('BCDFGHJK'));
      const tv = { ...terminalFixture('t-tv', 'u-alice', 'stb'), name: 'Bedroom TV' };
      expect(await store.consumeDeviceCode('hash-BCDFGHJK', T0 + 500, tv)).toBe(false); // not approved yet
      expect(await store.getTerminal('t-tv')).toBeNull();
      await store.approveDeviceCode('BCDFGHJK', 'u-alice', 'Bedroom TV', T0 + 1000);
      expect(await store.consumeDeviceCode('hash-BCDFGHJK', T0 + 2000, { ...tv, userId: 'u-bob' })).toBe(false); // wrong user
      expect(await store.consumeDeviceCode('hash-BCDFGHJK', T0 + 2000, tv)).toBe(true);
      expect((await store.getTerminal('t-tv'))?.userId).toBe('u-alice');
      expect(await store.consumeDeviceCode('hash-BCDFGHJK', T0 + 3000, { ...tv, id: 't-tv2', credentialHash: 'c2' })).toBe(false);
      expect(await store.getTerminal('t-tv2')).toBeNull();
      expect(await store.findDeviceCode('hash-BCDFGHJK')).toMatchObject({ consumedAt: T0 + 2000, terminalId: 't-tv' });
    });

    it('does not consume an expired code', async () => {
      await store.createDeviceCode(deviceCodeFixture('BCDFGHJK'));
      await store.approveDeviceCode('BCDFGHJK', 'u-alice', 'TV', T0 + 1000);
      expect(await store.consumeDeviceCode('hash-BCDFGHJK', T0 + 600_000, terminalFixture('t-tv', 'u-alice', 'stb'))).toBe(false);
      expect(await store.getTerminal('t-tv')).toBeNull();
    });

    it('records polls', async () => {
      await store.createDeviceCode(deviceCodeFixture('BCDFGHJK'));
      await store.noteDevicePoll('hash-BCDFGHJK', T0 + 5000, 10);
      expect(await store.findDeviceCode('hash-BCDFGHJK')).toMatchObject({ lastPollAt: T0 + 5000, intervalSec: 10 });
    });

    it('deletes expired sessions and day-old expired codes, nothing else', async () => {
      await store.createUserSession({ tokenHash: 'old', userId: 'u-alice', createdAt: T0, expiresAt: T0 + 10 });
      await store.createUserSession({ tokenHash: 'live', userId: 'u-alice', createdAt: T0, expiresAt: T0 + 10 * 86_400_000 });
      await store.createDeviceCode(deviceCodeFixture('BCDFGHJK', { expiresAt: T0 }));
      await store.createDeviceCode(deviceCodeFixture('LMNPQRST', { expiresAt: T0 + 2 * 86_400_000 }));
      const r = await store.deleteExpired(T0 + 86_400_000 + 1);
      expect(r).toEqual({ sessions: 1, deviceCodes: 1 });
      expect(await store.findUserSession('live', T0 + 100)).not.toBeNull();
      expect(await store.findDeviceCode('hash-BCDFGHJK')).toBeNull();
      expect(await store.findDeviceCode('hash-LMNPQRST')).not.toBeNull();
    });
  });
}
