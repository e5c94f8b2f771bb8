import { describe, expect, it, vi } from 'vitest';
import type { HomePage } from '../../../common/protocol/api.ts';
import { ApiError } from '../api/http.ts';
import { fakeHomeRoutes, homePage, item, liveChannel, memoryBridge, NOW, record, settle, vod } from '../testing/fixtures.ts';
import { createHomeStore, HOME_CACHE_KEY } from './home.ts';
import { applyHidden, mergeRecord, recordsOf } from './home-merge.ts';
import { DEFAULT_RESUME_RULES } from '../../../common/resume.ts';

const harbour = vod('harbour-lights', 10);
const dumpling = vod('dumpling-workshop', 6, ['pc', 'mobile']);
const catalogue = [harbour, dumpling, liveChannel()];

function setup(answers: (HomePage | Error)[]) {
  const bridge = memoryBridge();
  const queue = [...answers];
  const routes = fakeHomeRoutes(async () => {
    const next = queue.length > 1 ? queue.shift() : queue[0];
    if (next instanceof Error) throw next;
    return next as HomePage;
  });
  const api = {
    homeDocument: vi.fn(routes.homeDocument),
    catalogue: vi.fn(routes.catalogue),
    hide: vi.fn(async (programId: string) => ({ programId, hiddenAt: NOW })),
  };
  const timers: (() => void)[] = [];
  const store = createHomeStore({ api, cache: bridge, now: () => NOW, setTimer: (fn) => timers.push(fn), clearTimer: () => undefined });
  return { store, api, bridge, timers };
}

describe('home merge (push applied locally)', () => {
  it('puts another terminal’s newer point on the card at once', () => {
    const page = homePage([item(harbour, record('harbour-lights', { kind: 'offset', offsetMs: 60_000 }))], catalogue);
    const pushed = record('harbour-lights', { kind: 'offset', offsetMs: 200_000 }, { terminalId: 'term-bbbbbbbb', terminalName: 'Phone', terminalType: 'mobile', progressAt: NOW - 1_000 });
    const next = mergeRecord(page, pushed, [], DEFAULT_RESUME_RULES, NOW);
    expect(next.continueWatching).toHaveLength(1);
    expect(next.continueWatching[0]?.record).toMatchObject({ terminalName: 'Phone', breakpoint: { offsetMs: 200_000 } });
    // The older terminal's point rides along, one step away.
    expect(next.continueWatching[0]?.others.map((o) => o.terminalName)).toEqual(['Study PC']);
    expect(recordsOf(next)).toHaveLength(2);
  });

  it('adds a new programme first and takes a watched one off the row', () => {
    const page = homePage([item(harbour, record('harbour-lights', { kind: 'offset', offsetMs: 60_000 }))], catalogue);
    const added = mergeRecord(page, record('dumpling-workshop', { kind: 'offset', offsetMs: 100_000 }, { progressAt: NOW }), [], DEFAULT_RESUME_RULES, NOW);
    expect(added.continueWatching.map((c) => c.program.id)).toEqual(['dumpling-workshop', 'harbour-lights']);
    const watched = mergeRecord(added, record('harbour-lights', { kind: 'offset', offsetMs: 590_000 }, { progressAt: NOW }), [], DEFAULT_RESUME_RULES, NOW);
    expect(watched.continueWatching.map((c) => c.program.id)).toEqual(['dumpling-workshop']);
  });

  it('respects a removal until the programme moves after it', () => {
    const page = homePage([], catalogue);
    const hidden = [{ programId: 'harbour-lights', hiddenAt: NOW - 10_000 }];
    const old = mergeRecord(page, record('harbour-lights', { kind: 'offset', offsetMs: 90_000 }, { progressAt: NOW - 20_000 }), hidden, DEFAULT_RESUME_RULES, NOW);
    expect(old.continueWatching).toEqual([]);
    const moved = mergeRecord(page, record('harbour-lights', { kind: 'offset', offsetMs: 90_000 }, { progressAt: NOW }), hidden, DEFAULT_RESUME_RULES, NOW);
    expect(moved.continueWatching).toHaveLength(1);
    expect(applyHidden(moved, { programId: 'harbour-lights', hiddenAt: NOW + 1 }).continueWatching).toEqual([]);
  });

  it('keeps a live point inside the timeshift window', () => {
    const page = homePage([], catalogue);
    const next = mergeRecord(page, record('live-news', { kind: 'wallclock', epochMs: NOW - 120_000 }, { durationMs: 0 }), [], DEFAULT_RESUME_RULES, NOW);
    expect(next.continueWatching[0]?.record.breakpoint).toEqual({ kind: 'wallclock', epochMs: NOW - 120_000 });
  });
});

describe('home store', () => {
  it('loads, caches, and coalesces concurrent loads', async () => {
    const { store, api, bridge } = setup([homePage([], catalogue)]);
    await Promise.all([store.getState().load(), store.getState().load(), store.getState().load()]);
    expect(api.homeDocument).toHaveBeenCalledTimes(2); // one, plus one for what was asked meanwhile
    expect(store.getState()).toMatchObject({ status: 'ready', cached: false });
    expect(bridge.cache.get(HOME_CACHE_KEY)).toMatchObject({ portalId: 'P1' });
  });

  it('offline at start: shows the cached page and says so', async () => {
    const { store, bridge } = setup([new ApiError('NETWORK_DOWN', 'offline')]);
    await bridge.cacheSet(HOME_CACHE_KEY, homePage([item(harbour, record('harbour-lights', { kind: 'offset', offsetMs: 60_000 }))], catalogue));
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'ready', cached: true, error: 'NETWORK_DOWN' });
    expect(store.getState().page?.continueWatching).toHaveLength(1);
  });

  it('offline with nothing cached: an error state', async () => {
    const { store } = setup([new ApiError('NETWORK_DOWN', 'offline')]);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'error', page: null, error: 'NETWORK_DOWN' });
  });

  it('applies a history push at once, then confirms with a refetch', async () => {
    const confirmed = homePage([item(harbour, record('harbour-lights', { kind: 'offset', offsetMs: 200_000 }, { terminalName: 'Phone' }))], catalogue);
    const { store, api, timers } = setup([homePage([], catalogue), confirmed]);
    await store.getState().load();
    const rec = record('harbour-lights', { kind: 'offset', offsetMs: 200_000 }, { terminalName: 'Phone', progressAt: NOW });
    store.getState().applyPush({ type: 'history', record: rec, outcome: 'applied', event: 'stop' });
    expect(store.getState().page?.continueWatching[0]?.record.terminalName).toBe('Phone');
    expect(store.getState().lastPushAt).toBe(NOW);
    expect(timers).toHaveLength(1);
    timers[0]?.();
    await settle();
    expect(api.homeDocument).toHaveBeenCalledTimes(2);
    // The page as the portal sends it, expanded (a card's progress is its own point).
    expect(store.getState().page).toEqual({ ...confirmed, progress: [{ programId: 'harbour-lights', status: 'in-progress', percent: 33.3 }] });
  });

  it('removes a card optimistically and puts it back when the server cannot be told', async () => {
    const page = homePage([item(harbour, record('harbour-lights', { kind: 'offset', offsetMs: 60_000 })), item(dumpling, record('dumpling-workshop', { kind: 'offset', offsetMs: 60_000 }))], catalogue);
    const { store, api } = setup([page]);
    await store.getState().load();
    api.hide.mockRejectedValueOnce(new ApiError('NETWORK_DOWN', 'offline'));
    const removing = store.getState().remove('harbour-lights');
    expect(store.getState().page?.continueWatching.map((c) => c.program.id)).toEqual(['dumpling-workshop']);
    expect(await removing).toBe(false);
    expect(store.getState().page?.continueWatching.map((c) => c.program.id)).toEqual(['harbour-lights', 'dumpling-workshop']);
    expect(await store.getState().remove('harbour-lights')).toBe(true);
    expect(store.getState().hidden).toEqual([{ programId: 'harbour-lights', hiddenAt: NOW }]);
    // A push of the same old point does not bring it back.
    store.getState().applyPush({ type: 'history', record: record('harbour-lights', { kind: 'offset', offsetMs: 60_000 }), outcome: 'applied', event: 'heartbeat' });
    expect(store.getState().page?.continueWatching.map((c) => c.program.id)).toEqual(['dumpling-workshop']);
  });

  it('a hidden push removes the card; reset forgets everything', async () => {
    const { store } = setup([homePage([item(harbour, record('harbour-lights', { kind: 'offset', offsetMs: 60_000 }))], catalogue)]);
    await store.getState().load();
    store.getState().applyPush({ type: 'hidden', programId: 'harbour-lights', hiddenAt: NOW });
    expect(store.getState().page?.continueWatching).toEqual([]);
    store.getState().reset();
    expect(store.getState()).toMatchObject({ status: 'idle', page: null, hidden: [] });
  });
});
