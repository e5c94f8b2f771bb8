/**
 * Conformance suite, part six: handoff claims and push-stream rows (store/handoffs.ts, migration
 * 8 → 9) — one claim per session however many race, the claim read back as the fence, replayed
 * by the old terminal, forgotten after the retention and with the account; push streams per
 * instance, refreshed, expired and listed per household. Every Store implementation runs it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0, userFixture } from './conformance.ts';
import type { HandoffRow } from './handoffs.ts';
import type { Store } from './types.ts';

const claimOf = (sessionId: string, userId: string, to: string, at = T0): HandoffRow => ({
  sessionId, userId, fromTerminalId: 'term-tv', toTerminalId: to, event: JSON.stringify({ type: 'handoff', sessionId, toTerminalId: to }), at,
});

/** Register the handoff conformance tests for a Store implementation. */
export function handoffConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name}: handoff claims and push streams`, () => {
    let store: Store;
    const alice = userFixture('user-alice');
    const bob = userFixture('user-bob');
    beforeEach(async () => {
      store = await makeStore();
      expect(await store.createUser(alice)).toBe(true);
      expect(await store.createUser(bob)).toBe(true);
    });
    afterEach(async () => {
      await store.close();
    });

    it('records one claim per session; a second is refused and changes nothing', async () => {
      expect(await store.getHandoff('sess-1')).toBeNull();
      expect(await store.claimHandoff(claimOf('sess-1', alice.id, 'term-phone'))).toBe(true);
      expect(await store.claimHandoff(claimOf('sess-1', alice.id, 'term-pc', T0 + 5))).toBe(false);
      expect(await store.getHandoff('sess-1')).toEqual(claimOf('sess-1', alice.id, 'term-phone'));
      // An unknown household claims nothing.
      expect(await store.claimHandoff(claimOf('sess-2', 'user-nobody', 'term-phone'))).toBe(false);
      expect(await store.getHandoff('sess-2')).toBeNull();
    });

    it('of many simultaneous claims of one session exactly one wins', async () => {
      for (let round = 0; round < 3; round++) {
        const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => store.claimHandoff(claimOf(`race-${round}`, alice.id, `term-${i}`))));
        expect(wins.filter(Boolean)).toHaveLength(1);
        const winner = wins.indexOf(true);
        expect((await store.getHandoff(`race-${round}`))?.toTerminalId).toBe(`term-${winner}`);
      }
    });

    it('lists a terminal’s handoffs oldest first since a time, forgets old ones and the account’s', async () => {
      await store.claimHandoff(claimOf('s-b', alice.id, 'term-phone', T0 + 20));
      await store.claimHandoff(claimOf('s-a', alice.id, 'term-phone', T0 + 10));
      await store.claimHandoff({ ...claimOf('s-other', alice.id, 'term-phone', T0 + 15), fromTerminalId: 'term-pc' });
      expect((await store.listHandoffsFrom('term-tv', T0)).map((h) => h.sessionId)).toEqual(['s-a', 's-b']);
      expect((await store.listHandoffsFrom('term-tv', T0 + 11)).map((h) => h.sessionId)).toEqual(['s-b']);
      expect(await store.deleteHandoffsBefore(T0 + 11)).toBe(1);
      expect(await store.getHandoff('s-a')).toBeNull();
      expect(await store.deleteUser(alice.id, T0 + 30)).not.toBeNull();
      expect(await store.getHandoff('s-b')).toBeNull();
      expect(await store.getHandoff('s-other')).toBeNull();
    });

    it('keeps push streams per instance: refreshed, listed per household, expired and removed', async () => {
      await store.putPushStream({ instanceId: 'g1', terminalId: 'term-tv', userId: alice.id, seenAt: T0 });
      await store.putPushStream({ instanceId: 'g2', terminalId: 'term-tv', userId: alice.id, seenAt: T0 });
      await store.putPushStream({ instanceId: 'g2', terminalId: 'term-phone', userId: alice.id, seenAt: T0 });
      await store.putPushStream({ instanceId: 'g1', terminalId: 'term-bob', userId: bob.id, seenAt: T0 });
      expect(await store.touchPushStreams('g1', T0 + 10_000)).toBe(2);
      expect(await store.listPushStreams(alice.id, T0 + 5_000)).toEqual([{ instanceId: 'g1', terminalId: 'term-tv', userId: alice.id, seenAt: T0 + 10_000 }]);
      expect((await store.listPushStreams(alice.id, T0)).map((r) => `${r.terminalId}@${r.instanceId}`)).toEqual(['term-phone@g2', 'term-tv@g1', 'term-tv@g2']);
      // Put again (a reconnect) refreshes rather than duplicates.
      await store.putPushStream({ instanceId: 'g2', terminalId: 'term-phone', userId: alice.id, seenAt: T0 + 20_000 });
      expect((await store.listPushStreams(alice.id, T0 + 15_000)).map((r) => r.terminalId)).toEqual(['term-phone']);
      await store.deletePushStream('g2', 'term-phone');
      expect(await store.listPushStreams(alice.id, T0 + 15_000)).toEqual([]);
      expect(await store.deletePushStreamsBefore(T0 + 5_000)).toBe(1);
      expect((await store.listPushStreams(alice.id, 0)).map((r) => `${r.terminalId}@${r.instanceId}`)).toEqual(['term-tv@g1']);
      expect((await store.listPushStreams(bob.id, 0)).map((r) => r.terminalId)).toEqual(['term-bob']);
    });
  });
}
