/**
 * Conformance suite, part five: withdrawn programmes — a programme whose source went away
 * leaves the catalogue but keeps its viewing records (they age out as usual), comes back with
 * them when it is upserted again, and is forgotten by the aging job once no record names it.
 * Every Store implementation runs it beside `storeConformance`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { programFixture, reportInput, T0, terminalFixture, userFixture } from './conformance.ts';
import { defaultProfileId, type Store } from './types.ts';

/** Register the withdrawn-programme conformance tests for a Store implementation. */
export function withdrawnConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name}: withdrawn programmes`, () => {
    let store: Store;
    const alice = userFixture('user-alice');
    const tv = terminalFixture('term-alice-tv0', alice.id, 'stb');
    const sintel = programFixture('sintel', 'Sintel');
    const bbb = programFixture('bbb', 'Big Buck Bunny');
    beforeEach(async () => {
      store = await makeStore();
      await store.upsertPrograms([sintel, bbb]);
      expect(await store.createUser(alice)).toBe(true);
      await store.createTerminal(tv);
    });
    afterEach(async () => {
      await store.close();
    });
    const history = async () => (await store.listHistory(alice.id)).map((h) => h.programId).sort();

    it('leaves the catalogue, keeps its history and removals, and comes back with them', async () => {
      await store.applyReport(reportInput({ reportId: 'rep-w-1', terminal: tv, seq: 1 }));
      await store.hideProgram(alice.id, defaultProfileId(alice.id), 'sintel', T0);
      // Read the catalogue first so a cached one must be dropped by the withdrawal.
      expect((await store.listPrograms('stb')).map((p) => p.id)).toEqual(['bbb', 'sintel']);
      expect(await store.withdrawProgram('sintel', T0 + 10)).toBe(true);
      expect(await store.getProgram('sintel')).toBeNull();
      expect((await store.listPrograms()).map((p) => p.id)).toEqual(['bbb']);
      expect((await store.listPrograms('stb')).map((p) => p.id)).toEqual(['bbb']);
      expect(await store.listWithdrawn()).toEqual([{ id: 'sintel', withdrawnAt: T0 + 10 }]);
      expect(await store.countPrograms()).toBe(2);
      expect(await history()).toEqual(['sintel']);
      expect(await store.listHidden(alice.id)).toEqual([{ programId: 'sintel', hiddenAt: T0 }]);

      // Withdrawing again keeps the first time; an unknown programme is false.
      expect(await store.withdrawProgram('sintel', T0 + 20)).toBe(true);
      expect(await store.listWithdrawn()).toEqual([{ id: 'sintel', withdrawnAt: T0 + 10 }]);
      expect(await store.withdrawProgram('nothing', T0)).toBe(false);

      await store.upsertPrograms([sintel]);
      expect(await store.getProgram('sintel')).toEqual(sintel);
      expect((await store.listPrograms('stb')).map((p) => p.id)).toEqual(['bbb', 'sintel']);
      expect(await store.listWithdrawn()).toEqual([]);
      expect(await history()).toEqual(['sintel']);
    });

    it('ages its records out as usual, then forgets the programme once no record names it', async () => {
      await store.applyReport(reportInput({ reportId: 'rep-w-2', terminal: tv, seq: 1, now: T0 - 5 }));
      await store.applyReport(reportInput({ reportId: 'rep-w-3', terminal: tv, programId: 'bbb', seq: 1, now: T0 - 5 }));
      await store.withdrawProgram('sintel', T0 - 100);
      await store.withdrawProgram('bbb', T0 + 100);
      // Records newer than the cutoff keep a withdrawn programme.
      expect(await store.deleteOlderThan(T0 - 10)).toEqual({ records: 0, reports: 0, programs: 0 });
      expect(await store.listWithdrawn()).toHaveLength(2);
      // sintel: its record ages out and it was withdrawn before the cutoff → gone; bbb was
      // withdrawn after the cutoff → kept (withdrawn) though its record aged out.
      expect(await store.deleteOlderThan(T0)).toEqual({ records: 2, reports: 2, programs: 1 });
      expect(await store.listWithdrawn()).toEqual([{ id: 'bbb', withdrawnAt: T0 + 100 }]);
      expect(await store.countPrograms()).toBe(1);
      expect(await history()).toEqual([]);
      // A programme in the catalogue is never aged, records or not.
      await store.upsertPrograms([sintel]);
      expect(await store.deleteOlderThan(T0 + 1000)).toEqual({ records: 0, reports: 0, programs: 1 });
      expect((await store.listPrograms()).map((p) => p.id)).toEqual(['sintel']);
    });
  });
}
