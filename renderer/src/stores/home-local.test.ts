import { describe, expect, it, vi } from 'vitest';
import type { TerminalReport } from '../../../common/protocol/api.ts';
import { DEFAULT_RESUME_RULES } from '../../../common/resume.ts';
import { fakeHomeRoutes, homePage, item, memoryBridge, NOW, record, settle, vod } from '../testing/fixtures.ts';
import { createHomeStore } from './home.ts';
import { localRecords, withLocalPoints } from './home-merge.ts';

const harbour = vod('harbour-lights', 10);
const me = { terminalId: 'term-aaaaaaaa', terminalName: 'Study PC', terminalType: 'pc' as const };
const report = (seq: number, offsetMs: number, observedAt: number, programId = 'harbour-lights'): TerminalReport => ({
  reportId: `r-${seq}-0000000000`,
  programId,
  breakpoint: { kind: 'offset', offsetMs },
  seq,
  event: 'pause',
  observedAt,
});

describe('this terminal’s unsent points on its own card', () => {
  // The server's record: this terminal stopped at 7:03 a minute ago; the outbox holds 7:13.
  const serverPage = homePage([item(harbour, record('harbour-lights', { kind: 'offset', offsetMs: 423_000 }))], [harbour]);

  it('the newest report per programme becomes this terminal’s record', () => {
    const recs = localRecords([report(3, 433_000, NOW - 10_000), report(2, 428_000, NOW - 20_000)], me, 'user-00000001');
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ terminalId: me.terminalId, seq: 3, breakpoint: { offsetMs: 433_000 }, progressAt: NOW - 10_000 });
  });

  it('a newer local point replaces the server’s on the card; an older one does not', () => {
    const newer = withLocalPoints(serverPage, localRecords([report(3, 433_000, NOW - 10_000)], me, 'u'), [], DEFAULT_RESUME_RULES, NOW);
    expect(newer.continueWatching[0]?.record.breakpoint).toEqual({ kind: 'offset', offsetMs: 433_000 });
    const older = withLocalPoints(serverPage, localRecords([report(1, 300_000, NOW - 120_000)], me, 'u'), [], DEFAULT_RESUME_RULES, NOW);
    expect(older).toBe(serverPage);
  });

  it('the home store shows them over a fetched page and over the cached one', async () => {
    const routes = fakeHomeRoutes(async () => serverPage);
    const api = { homeDocument: routes.homeDocument, catalogue: routes.catalogue, hide: vi.fn() };
    const store = createHomeStore({ api, cache: memoryBridge(), now: () => NOW });
    store.getState().setLocal(localRecords([report(3, 433_000, NOW - 10_000)], me, 'u'));
    await store.getState().load();
    await settle();
    expect(store.getState().page?.continueWatching[0]?.record.breakpoint).toEqual({ kind: 'offset', offsetMs: 433_000 });
  });
});

describe('this terminal’s own stop on its card at once (before global’s push confirms it)', () => {
  const at = (offsetMs: number) => ({ kind: 'offset' as const, offsetMs });
  // The server's record: this terminal's last heartbeat (7:03), 20 s before it stopped at 8:00.
  const heartbeat = record('harbour-lights', at(423_000), { progressAt: NOW - 20_000, updatedAt: NOW - 20_000 });
  const serverPage = homePage([item(harbour, heartbeat)], [harbour]);
  const stopRecord = () => record('harbour-lights', at(480_000), { seq: 0, progressAt: NOW, updatedAt: NOW });
  const noContext = { resumedFrom: null, seekedBack: false };
  const shown = (store: ReturnType<typeof createHomeStore>) => store.getState().page?.continueWatching[0]?.record.breakpoint;

  async function storeOver(pages: (() => typeof serverPage)[], now = () => NOW) {
    let n = 0;
    const routes = fakeHomeRoutes(async () => (pages[Math.min(n++, pages.length - 1)] as () => typeof serverPage)());
    const store = createHomeStore({ api: { homeDocument: routes.homeDocument, catalogue: routes.catalogue, hide: vi.fn() }, cache: memoryBridge(), now, setTimer: () => null, clearTimer: () => {} });
    await store.getState().load();
    return store;
  }

  it('shows the stop at once, and over a refetch and a late push that still carry the heartbeat', async () => {
    const store = await storeOver([() => serverPage]);
    expect(shown(store)).toEqual(at(423_000));
    store.getState().noteOwnStop(stopRecord(), noContext);
    expect(shown(store)).toEqual(at(480_000));
    // The refetch read global before the stop arrived there: the stop stays on the card.
    await store.getState().load();
    expect(shown(store)).toEqual(at(480_000));
    // The heartbeat's report pushed after the stop: still the stop.
    store.getState().applyPush({ type: 'history', event: 'heartbeat', outcome: 'applied', record: heartbeat });
    expect(shown(store)).toEqual(at(480_000));
    expect(store.getState().own).toHaveLength(1);
  });

  it('a page with this terminal’s seek a moment before the stop (under the unmoved tolerance) is not the stop', async () => {
    // Sought to 7:59.922, stopped 78 ms later: global writes the stop's exact point, so a page
    // read before the stop reached it shows a point every other terminal will not resume from.
    const seek = homePage([item(harbour, record('harbour-lights', at(479_922), { seq: 8, progressAt: NOW - 78, updatedAt: NOW - 78 }))], [harbour]);
    const store = await storeOver([() => serverPage, () => seek]);
    store.getState().noteOwnStop(stopRecord(), noContext);
    await store.getState().load();
    expect(shown(store)).toEqual(at(480_000));
    expect(store.getState().own).toHaveLength(1);
  });

  it('is forgotten once the server’s page shows it (the server’s record wins from then on)', async () => {
    const confirmed = homePage([item(harbour, record('harbour-lights', at(480_000), { seq: 9, progressAt: NOW - 5, updatedAt: NOW - 5 }))], [harbour]);
    const store = await storeOver([() => serverPage, () => confirmed]);
    store.getState().noteOwnStop(stopRecord(), noContext);
    await store.getState().load();
    expect(store.getState().own).toEqual([]);
    expect(store.getState().page?.continueWatching[0]?.record.seq).toBe(9);
    // A later push of this terminal’s older point is the server's word again (nothing local left).
    store.getState().applyPush({ type: 'history', event: 'heartbeat', outcome: 'applied', record: heartbeat });
    expect(shown(store)).toEqual(at(423_000));
  });

  it('a bad stop (resumed at 7:03, closed at 0:02 without seeking back) keeps the old point, as the server does', async () => {
    const store = await storeOver([() => serverPage]);
    store.getState().noteOwnStop(record('harbour-lights', at(2_000), { seq: 0, progressAt: NOW, updatedAt: NOW }), { resumedFrom: at(423_000), seekedBack: false });
    expect(shown(store)).toEqual(at(423_000));
    expect(store.getState().own).toEqual([]);
    // Seeking back on purpose makes the same stop a real one: 0:02 is "not started", no card.
    store.getState().noteOwnStop(record('harbour-lights', at(2_000), { seq: 0, progressAt: NOW, updatedAt: NOW }), { resumedFrom: at(423_000), seekedBack: true });
    expect(store.getState().own).toHaveLength(1);
    expect(store.getState().page?.continueWatching).toEqual([]);
  });

  it('never outlives its bound: a stop the server never shows stops overriding it after a minute', async () => {
    let clock = NOW;
    const store = await storeOver([() => serverPage], () => clock);
    store.getState().noteOwnStop(stopRecord(), noContext);
    clock = NOW + 61_000;
    await store.getState().load();
    expect(shown(store)).toEqual(at(423_000));
    expect(store.getState().own).toEqual([]);
  });
});
