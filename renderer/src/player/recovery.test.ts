/**
 * The controller's recovery (recovery.ts) on its own, over the real player store and a fake
 * engine: a refused token is renewed and reloaded at most three times per load; a 404 ends in
 * "removed" and tells the owner; network trouble mid-play shows "reconnecting" and retries with
 * backoff until a load succeeds; the same trouble while loading is an error state at once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPlayerStore } from '../stores/player.ts';
import { FakeEngine } from '../testing/fake-player.ts';
import { SHAKA_ERROR } from './engine.ts';
import { createRecovery } from './recovery.ts';

const httpError = (status: number) => ({ code: SHAKA_ERROR.BAD_HTTP_STATUS, category: SHAKA_ERROR.CATEGORY_NETWORK, severity: SHAKA_ERROR.SEVERITY_CRITICAL, data: ['https://media.test/x', status] });

function setUp() {
  const store = createPlayerStore();
  const engine = new FakeEngine();
  const retries = vi.spyOn(engine, 'retryStreaming');
  const w = { renewals: 0, reloads: 0, gone: 0, online: true, closed: false };
  const recovery = createRecovery({
    store,
    isOnline: () => w.online,
    engine: () => engine,
    closed: () => w.closed,
    renewToken: () => {
      w.renewals++;
      return Promise.resolve();
    },
    reload: async () => {
      w.reloads++;
    },
    onGone: () => w.gone++,
  });
  return { store, recovery, retries, w };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('recovery', () => {
  it('renews a refused token and reloads, three times per load at most, then counts afresh after a load', async () => {
    const { store, recovery, w } = setUp();
    for (let i = 0; i < 3; i++) recovery.onError(httpError(401), false);
    await vi.runAllTimersAsync();
    expect([w.renewals, w.reloads]).toEqual([3, 3]);
    // A fourth refusal mid-play is treated as network trouble: reconnecting, no renewal.
    recovery.onError(httpError(403), false);
    expect(w.renewals).toBe(3);
    expect(store.getState().reconnecting).toBe(true);
    recovery.loaded();
    expect(store.getState().reconnecting).toBe(false);
    recovery.onError(httpError(401), false);
    expect(w.renewals).toBe(4);
    recovery.destroy();
  });

  it('a 404 is a programme gone: the removed state, and the owner is told', () => {
    const { store, recovery, w } = setUp();
    recovery.onError(httpError(404), false);
    expect(store.getState()).toMatchObject({ status: 'error', error: 'removed' });
    expect(w.gone).toBe(1);
    recovery.fail('PROGRAM_WITHDRAWN');
    expect(store.getState().error).toBe('removed');
    expect(w.gone).toBe(2);
  });

  it('network trouble mid-play retries with backoff until a load succeeds; offline it waits for the network', async () => {
    const { store, recovery, retries, w } = setUp();
    recovery.onError(httpError(0), false);
    expect(store.getState().reconnecting).toBe(true);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(retries).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(retries).toHaveBeenCalledTimes(2);
    w.online = false;
    await vi.advanceTimersByTimeAsync(8_000);
    expect(retries).toHaveBeenCalledTimes(2); // offline: no pointless retry
    recovery.online();
    expect(retries).toHaveBeenCalledTimes(3); // the network is back: at once
    recovery.loaded();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(retries).toHaveBeenCalledTimes(3);
    recovery.destroy();
  });

  it('the same trouble while loading is an error state at once; nothing happens once closed', () => {
    const { store, recovery, w } = setUp();
    recovery.onError(httpError(0), true);
    expect(store.getState()).toMatchObject({ status: 'error', error: 'offline' });
    w.closed = true;
    store.getState().reset();
    recovery.onError(httpError(404), false);
    expect(store.getState().status).toBe('idle');
  });
});
