/**
 * Conformance suite, part three: the account lifecycle (owner, password, sessions, signed-out
 * terminals, deleting an account whole) and revocations. Every Store implementation runs it
 * beside `storeConformance`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceCodeFixture } from './conformance-device.ts';
import { programFixture, reportInput, T0, terminalFixture, userFixture } from './conformance.ts';
import { defaultProfileId, type Store } from './types.ts';

/** Register the account-lifecycle conformance tests for a Store implementation. */
export function accountConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name}: account lifecycle and revocations`, () => {
    let store: Store;
    const alice = userFixture('user-alice');
    const bob = userFixture('user-bob0');
    const aStb = terminalFixture('term-alice-stb', alice.id, 'stb');
    const aPc = terminalFixture('term-alice-pc0', alice.id, 'pc');
    const bPc = terminalFixture('term-bob-pc00', bob.id, 'pc');
    beforeEach(async () => {
      store = await makeStore();
      await store.upsertPrograms([programFixture('sintel', 'Sintel')]);
    });
    afterEach(async () => {
      await store.close();
    });
    const seed = async () => {
      for (const u of [alice, bob]) expect(await store.createUser(u)).toBe(true);
      for (const t of [aStb, aPc, bPc]) await store.createTerminal(t);
    };

    it('createOwner succeeds only on an empty store, and stores the owner role', async () => {
      expect(await store.createOwner({ ...alice, role: 'member' })).toBe(true);
      expect((await store.getUser(alice.id))?.role).toBe('owner');
      expect(await store.createOwner(bob)).toBe(false);
      expect(await store.getUser(bob.id)).toBeNull();
      expect(await store.countUsers()).toBe(1);
      expect(await store.createUser(bob)).toBe(true);
      expect((await store.getUser(bob.id))?.role).toBe('member');
    });

    it('sets a password hash only for a known user', async () => {
      await seed();
      expect(await store.setPasswordHash(alice.id, 'scrypt$new')).toBe(true);
      expect((await store.getUser(alice.id))?.passwordHash).toBe('scrypt$new');
      expect(await store.setPasswordHash('user-nobody', 'x')).toBe(false);
      expect((await store.getUser(bob.id))?.passwordHash).toBe(bob.passwordHash);
    });

    it('deletes a user’s sessions, all or all but one, never another user’s', async () => {
      await seed();
      for (const [hash, userId] of [['s-a1', alice.id], ['s-a2', alice.id], ['s-a3', alice.id], ['s-b1', bob.id]] as const) {
        await store.createUserSession({ tokenHash: hash, userId, createdAt: T0, expiresAt: T0 + 3_600_000 });
      }
      expect(await store.deleteUserSessions(alice.id, 's-a2')).toBe(2);
      expect(await store.findUserSession('s-a1', T0)).toBeNull();
      expect(await store.findUserSession('s-a2', T0)).not.toBeNull();
      expect(await store.deleteUserSessions(alice.id, null)).toBe(1);
      expect(await store.findUserSession('s-a2', T0)).toBeNull();
      expect(await store.findUserSession('s-b1', T0)).not.toBeNull();
    });

    it('signs terminals out: credential dead, row and history kept, revocations recorded', async () => {
      await seed();
      await store.applyReport(reportInput({ reportId: 'rep-keep-1', terminal: aStb, seq: 1, offsetMs: 600_000 }));
      // Another user's terminal and an unknown id are skipped.
      expect(await store.revokeTerminals(alice.id, [aStb.id, bPc.id, 'term-unknown'], null, T0 + 5)).toEqual([aStb.id]);
      expect(await store.findTerminalByCredential(aStb.credentialHash)).toBeNull();
      expect((await store.getTerminal(aStb.id))?.revokedAt).toBe(T0 + 5);
      expect(await store.findTerminalByCredential(bPc.credentialHash)).toEqual(bPc);
      expect((await store.listHistory(alice.id)).map((h) => h.terminalId)).toEqual([aStb.id]);
      expect((await store.listTerminals(alice.id)).map((t) => [t.id, t.revokedAt]).sort()).toEqual(
        [[aPc.id, null], [aStb.id, T0 + 5]].sort(),
      );
      // Again: nothing more to sign out; "all but" form.
      expect(await store.revokeTerminals(alice.id, [aStb.id], null, T0 + 6)).toEqual([]);
      expect(await store.revokeTerminals(alice.id, null, aPc.id, T0 + 7)).toEqual([]);
      expect(await store.revokeTerminals(bob.id, null, null, T0 + 8)).toEqual([bPc.id]);
      expect(await store.listRevocations(T0)).toEqual([
        { kind: 'terminal', subjectId: aStb.id, at: T0 + 5 },
        { kind: 'terminal', subjectId: bPc.id, at: T0 + 8 },
      ]);
      expect(await store.listRevocations(T0 + 6)).toEqual([{ kind: 'terminal', subjectId: bPc.id, at: T0 + 8 }]);
    });

    it('records a revocation when a terminal is deleted, and purges old revocations', async () => {
      await seed();
      expect(await store.deleteTerminal(alice.id, aStb.id, T0 + 10)).toBe(true);
      expect(await store.deleteTerminal(bob.id, aPc.id, T0 + 11)).toBe(false);
      expect(await store.listRevocations(0)).toEqual([{ kind: 'terminal', subjectId: aStb.id, at: T0 + 10 }]);
      expect(await store.deleteRevocationsBefore(T0 + 10)).toBe(0);
      expect(await store.deleteRevocationsBefore(T0 + 11)).toBe(1);
      expect(await store.listRevocations(0)).toEqual([]);
    });

    it('deletes an account whole, in one transaction, and nothing of another', async () => {
      await seed();
      await store.createUserSession({ tokenHash: 's-a1', userId: alice.id, createdAt: T0, expiresAt: T0 + 3_600_000 });
      await store.createUserSession({ tokenHash: 's-b1', userId: bob.id, createdAt: T0, expiresAt: T0 + 3_600_000 });
      await store.applyReport(reportInput({ reportId: 'rep-a-1', terminal: aStb, seq: 1, offsetMs: 600_000 }));
      await store.applyReport(reportInput({ reportId: 'rep-a-2', terminal: aPc, seq: 1, offsetMs: 600_000 }));
      await store.applyReport(reportInput({ reportId: 'rep-b-1', terminal: bPc, seq: 1, offsetMs: 600_000 }));
      await store.hideProgram(alice.id, defaultProfileId(alice.id), 'sintel', T0);
      // A code alice approved and consumed into a terminal of hers, and one bob approved.
      await store.createDeviceCode(deviceCodeFixture('AAAAAAAA'));
      await store.approveDeviceCode('AAAAAAAA', alice.id, 'TV', T0 + 1);
      const tv = terminalFixture('term-alice-tv0', alice.id, 'stb');
      expect(await store.consumeDeviceCode('hash-AAAAAAAA', T0 + 2, tv)).toBe(true);
      await store.createDeviceCode(deviceCodeFixture('BBBBBBBB'));
      await store.approveDeviceCode('BBBBBBBB', bob.id, 'TV', T0 + 1);

      expect(await store.deleteUser(alice.id, T0 + 100)).toEqual({
        accounts: 1, terminals: 3, historyRecords: 2, hiddenProgrammes: 1, sessions: 1, deviceCodes: 1, reportIds: 2, profiles: 1,
      });
      expect(await store.getUser(alice.id)).toBeNull();
      expect(await store.findUserByLogin(alice.login)).toBeNull();
      expect(await store.listTerminals(alice.id)).toEqual([]);
      expect(await store.listHistory(alice.id)).toEqual([]);
      expect(await store.listHidden(alice.id)).toEqual([]);
      expect(await store.findUserSession('s-a1', T0)).toBeNull();
      expect(await store.findDeviceCode('hash-AAAAAAAA')).toBeNull();
      // Bob is untouched.
      expect(await store.getUser(bob.id)).toEqual(bob);
      expect(await store.listHistory(bob.id)).toHaveLength(1);
      expect(await store.findUserSession('s-b1', T0)).not.toBeNull();
      expect(await store.findDeviceCode('hash-BBBBBBBB')).not.toBeNull();
      expect(await store.listRevocations(0)).toEqual([{ kind: 'user', subjectId: alice.id, at: T0 + 100 }]);
      // The same report ids may be used again by a new account (they were forgotten).
      expect(await store.deleteUser(alice.id, T0 + 200)).toBeNull();
      expect(await store.createUser(alice)).toBe(true);
      const fresh = { ...aStb, id: 'term-alice-new', credentialHash: 'cred-new' };
      await store.createTerminal(fresh);
      const again = await store.applyReport(reportInput({ reportId: 'rep-a-1', terminal: fresh, seq: 1, offsetMs: 600_000 }));
      expect(again.outcome).toBe('applied');
    });
  });
}
