/**
 * Conformance suite, part four: household profiles — the default profile every account gets,
 * profile rows (at most N, never the last), a terminal's current profile, history and
 * removals per profile, shared history. Every Store implementation runs it beside
 * `storeConformance`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { programFixture, reportInput, T0, terminalFixture, userFixture } from './conformance.ts';
import { defaultProfileId, type ProfileRow, type Store } from './types.ts';

/** A profile fixture of a user. */
export function profileFixture(id: string, userId: string, extra: Partial<ProfileRow> = {}): ProfileRow {
  return { id, userId, name: `Profile ${id}`, language: null, pinHash: null, maturityLimit: null, createdAt: T0 + 1, ...extra };
}

/** Register the profile conformance tests for a Store implementation. */
export function profileConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name}: household profiles`, () => {
    let store: Store;
    const alice = userFixture('user-alice');
    const bob = userFixture('user-bob0');
    const tv = terminalFixture('term-alice-tv0', alice.id, 'stb');
    const pc = terminalFixture('term-alice-pc0', alice.id, 'pc');
    const bobPc = terminalFixture('term-bob-pc00', bob.id, 'pc');
    const kid = profileFixture('prof-alice-kid', alice.id, { name: 'Kid', maturityLimit: 12, language: 'zh-CN', pinHash: 'scrypt$pin' });
    beforeEach(async () => {
      store = await makeStore();
      await store.upsertPrograms([programFixture('sintel', 'Sintel'), programFixture('bbb', 'Big Buck Bunny')]);
      for (const u of [alice, bob]) expect(await store.createUser(u)).toBe(true);
      for (const t of [tv, pc, bobPc]) await store.createTerminal(t);
    });
    afterEach(async () => {
      await store.close();
    });

    it('every account gets a default profile named after it; profiles round-trip', async () => {
      expect(await store.listProfiles(alice.id)).toEqual([
        { id: defaultProfileId(alice.id), userId: alice.id, name: alice.displayName, language: null, pinHash: null, maturityLimit: null, createdAt: alice.createdAt },
      ]);
      expect(await store.createProfile(kid, 8)).toBe(true);
      expect(await store.getProfile(kid.id)).toEqual(kid);
      expect((await store.listProfiles(alice.id)).map((p) => p.id)).toEqual([defaultProfileId(alice.id), kid.id]);
      expect(await store.listProfiles(bob.id)).toHaveLength(1);
      expect(await store.getProfile('prof-unknown')).toBeNull();
    });

    it('creates a profile only below the maximum', async () => {
      expect(await store.createProfile(kid, 2)).toBe(true);
      expect(await store.createProfile(profileFixture('prof-alice-3rd', alice.id), 2)).toBe(false);
      expect(await store.getProfile('prof-alice-3rd')).toBeNull();
      expect(await store.createProfile(profileFixture('prof-bob-2nd0', bob.id), 2)).toBe(true);
    });

    it('updates only the given fields, only for its household', async () => {
      await store.createProfile(kid, 8);
      expect(await store.updateProfile(alice.id, kid.id, { maturityLimit: null, pinHash: null })).toBe(true);
      expect(await store.getProfile(kid.id)).toEqual({ ...kid, maturityLimit: null, pinHash: null });
      expect(await store.updateProfile(bob.id, kid.id, { name: 'Stolen' })).toBe(false);
      expect(await store.updateProfile(alice.id, 'prof-unknown', { name: 'X' })).toBe(false);
      expect((await store.getProfile(kid.id))?.name).toBe('Kid');
    });

    it('a terminal’s current profile: only a profile of its own household', async () => {
      await store.createProfile(kid, 8);
      expect((await store.getTerminal(tv.id))?.profileId).toBe(defaultProfileId(alice.id));
      expect(await store.setTerminalProfile(alice.id, tv.id, kid.id)).toBe(true);
      expect((await store.getTerminal(tv.id))?.profileId).toBe(kid.id);
      expect(await store.setTerminalProfile(bob.id, bobPc.id, kid.id)).toBe(false);
      expect(await store.setTerminalProfile(bob.id, tv.id, defaultProfileId(bob.id))).toBe(false);
      expect((await store.getTerminal(bobPc.id))?.profileId).toBe(defaultProfileId(bob.id));
      // A terminal created naming another household's profile gets none.
      await store.createTerminal({ ...terminalFixture('term-alice-new', alice.id), profileId: defaultProfileId(bob.id) });
      expect((await store.getTerminal('term-alice-new'))?.profileId).toBeNull();
    });

    it('history and removals are per profile; null lists the whole household', async () => {
      await store.createProfile(kid, 8);
      const mine = defaultProfileId(alice.id);
      await store.applyReport(reportInput({ reportId: 'rep-p-1', terminal: tv, seq: 1, offsetMs: 600_000 }));
      await store.applyReport(reportInput({ reportId: 'rep-p-2', terminal: tv, profileId: kid.id, seq: 2, offsetMs: 900_000 }));
      await store.applyReport(reportInput({ reportId: 'rep-p-3', terminal: pc, profileId: kid.id, seq: 1, programId: 'bbb', offsetMs: 300_000 }));
      const key = (r: { terminalId: string; profileId: string; programId: string }) => `${r.terminalId}/${r.profileId}/${r.programId}`;
      expect((await store.listHistory(alice.id, mine)).map(key)).toEqual([`${tv.id}/${mine}/sintel`]);
      expect((await store.listHistory(alice.id, kid.id)).map(key).sort()).toEqual([`${pc.id}/${kid.id}/bbb`, `${tv.id}/${kid.id}/sintel`].sort());
      expect((await store.listHistory(alice.id, null)).length).toBe(3);
      // One TV, two people, one programme: two records, each with its own point.
      const sintel = (await store.listHistory(alice.id, null)).filter((r) => r.programId === 'sintel');
      expect(sintel.map((r) => [r.profileId, r.breakpoint]).sort()).toEqual(
        [[mine, { kind: 'offset', offsetMs: 600_000 }], [kid.id, { kind: 'offset', offsetMs: 900_000 }]].sort(),
      );
      await store.hideProgram(alice.id, kid.id, 'sintel', T0 + 50);
      await store.hideProgram(alice.id, mine, 'sintel', T0 + 20);
      expect(await store.listHidden(alice.id, kid.id)).toEqual([{ programId: 'sintel', hiddenAt: T0 + 50 }]);
      expect(await store.listHidden(alice.id, mine)).toEqual([{ programId: 'sintel', hiddenAt: T0 + 20 }]);
      expect(await store.listHidden(alice.id, null)).toEqual([{ programId: 'sintel', hiddenAt: T0 + 50 }]);
      // A profile of another household cannot hold this household's records.
      await expect(store.applyReport(reportInput({ reportId: 'rep-p-x', terminal: tv, profileId: defaultProfileId(bob.id), seq: 9 }))).rejects.toThrow();
      expect((await store.listHistory(bob.id, null))).toEqual([]);
    });

    it('deleting a profile takes its history and removals; never the last; terminals fall back', async () => {
      await store.createProfile(kid, 8);
      await store.setTerminalProfile(alice.id, tv.id, kid.id);
      await store.applyReport(reportInput({ reportId: 'rep-d-1', terminal: tv, profileId: kid.id, seq: 1 }));
      await store.applyReport(reportInput({ reportId: 'rep-d-2', terminal: pc, seq: 1 }));
      await store.hideProgram(alice.id, kid.id, 'bbb', T0);
      expect(await store.deleteProfile(bob.id, kid.id)).toBe('not-found');
      expect(await store.deleteProfile(alice.id, kid.id)).toBe('deleted');
      expect(await store.getProfile(kid.id)).toBeNull();
      expect((await store.listHistory(alice.id, null)).map((r) => r.terminalId)).toEqual([pc.id]);
      expect(await store.listHidden(alice.id, null)).toEqual([]);
      expect((await store.getTerminal(tv.id))?.profileId).toBeNull();
      expect(await store.deleteProfile(alice.id, defaultProfileId(alice.id))).toBe('last');
      expect(await store.listProfiles(alice.id)).toHaveLength(1);
    });

    it('stores the shared-history choice', async () => {
      expect((await store.getUser(alice.id))?.sharedHistory).toBe(false);
      expect(await store.setSharedHistory(alice.id, true)).toBe(true);
      expect((await store.getUser(alice.id))?.sharedHistory).toBe(true);
      expect((await store.getUser(bob.id))?.sharedHistory).toBe(false);
      expect(await store.setSharedHistory('user-nobody', true)).toBe(false);
    });
  });
}
