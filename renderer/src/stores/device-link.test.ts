/**
 * The TV side of linking by code, against a scripted fake API on fake timers: polling pace
 * (the interval, SLOW_DOWN), new codes when one expires or is refused, retries that keep the
 * code when the server cannot be reached, and stop() dropping whatever is still under way.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceAuthorizeResponse, DeviceTokenResponse } from '../../../common/protocol/device.ts';
import { ApiError } from '../api/http.ts';
import { backoffMs, createDeviceLinkStore } from './device-link.ts';

const CODES = ['BCDF-GHJK', 'LMNP-QRST', 'VWXZ-BCDF', 'GHJK-LMNP'];

function codePair(n: number, over: Partial<DeviceAuthorizeResponse> = {}): DeviceAuthorizeResponse {
  const userCode = CODES[n % CODES.length] as string;
  return {
    deviceCode: `rad_device-code-${n}`,
    userCode,
    verificationUri: 'http://srv/#/link',
    verificationUriComplete: `http://srv/#/link?code=${userCode}`,
    expiresIn: 600,
    interval: 5,
    ...over,
  };
}

const LINKED: DeviceTokenResponse = {
  terminal: { id: 'term-tv000001', name: 'Living-room TV', type: 'stb', createdAt: 1, lastSeenAt: 1 },
  credential: 'rat_tv-credential-0123',
  account: { id: 'user-00000001', login: 'family@example.com', displayName: 'Family', createdAt: 1 },
};

const pending = () => new ApiError('AUTHORIZATION_PENDING', 'wait', 400, { interval: 5 });

type Answer<T> = T | Error | Promise<T>;

/** A fake API answering from scripts (else: the n-th call's code pair, and pending), recording every call. */
function fakeApi() {
  const t0 = Date.now();
  const calls: { kind: 'authorize' | 'token'; at: number; deviceCode?: string; signal?: AbortSignal }[] = [];
  const authorizeScript: Answer<DeviceAuthorizeResponse>[] = [];
  const tokenScript: Answer<DeviceTokenResponse>[] = [];
  let issued = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  async function answer<T>(a: Answer<T>): Promise<T> {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (a instanceof Error) throw a;
      return await a;
    } finally {
      inFlight -= 1;
    }
  }
  const api = {
    deviceAuthorize: vi.fn(async (_body: { name?: string; type?: string }, signal?: AbortSignal) => {
      calls.push({ kind: 'authorize', at: Date.now() - t0, signal });
      const n = issued++;
      return answer(authorizeScript.shift() ?? codePair(n));
    }),
    deviceToken: vi.fn(async (deviceCode: string, signal?: AbortSignal) => {
      calls.push({ kind: 'token', at: Date.now() - t0, deviceCode, signal });
      return answer(tokenScript.shift() ?? pending());
    }),
  };
  const polls = () => calls.filter((c) => c.kind === 'token');
  return { api, calls, polls, authorizeScript, tokenScript, maxInFlight: () => maxInFlight };
}

function setup() {
  const fake = fakeApi();
  const onLinked = vi.fn(async () => undefined);
  const store = createDeviceLinkStore({ api: fake.api, defaultName: () => 'Living-room TV', onLinked });
  return { ...fake, onLinked, store };
}

/** A promise settled by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.UTC(2026, 5, 1, 12, 0, 0));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('device-link store (the TV side)', () => {
  it('shows a code, polls at the interval while pending, and hands over the credential once', async () => {
    const s = setup();
    s.tokenScript.push(pending(), pending(), LINKED);
    s.store.getState().start();
    expect(s.store.getState().phase).toBe('requesting');
    await vi.advanceTimersByTimeAsync(0);
    expect(s.api.deviceAuthorize).toHaveBeenCalledWith({ name: 'Living-room TV', type: 'stb' }, expect.any(AbortSignal));
    expect(s.store.getState()).toMatchObject({
      phase: 'showing',
      userCode: 'BCDF-GHJK',
      verificationUri: 'http://srv/#/link',
      verificationUriComplete: 'http://srv/#/link?code=BCDF-GHJK',
      expiresAt: Date.now() + 600_000,
      interval: 5,
      problem: null,
    });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(s.polls()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.polls()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.polls().map((c) => [c.at, c.deviceCode])).toEqual([
      [5_000, 'rad_device-code-0'],
      [10_000, 'rad_device-code-0'],
      [15_000, 'rad_device-code-0'],
    ]);
    expect(s.onLinked).toHaveBeenCalledTimes(1);
    expect(s.onLinked).toHaveBeenCalledWith(LINKED);
    expect(s.store.getState().phase).toBe('linked');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(s.polls()).toHaveLength(3);
    expect(s.onLinked).toHaveBeenCalledTimes(1);
  });

  it('SLOW_DOWN raises the interval from then on: the stated one, else 5 s more', async () => {
    const s = setup();
    s.tokenScript.push(new ApiError('SLOW_DOWN', 'slow', 400, { interval: 10 }), pending(), new ApiError('SLOW_DOWN', 'slow', 400), pending());
    s.store.getState().start();
    await vi.advanceTimersByTimeAsync(60_000);
    const at = s.polls().map((c) => c.at);
    // 5 (slow down → 10) · 15 · 25 (slow down, no detail → 15) · 40 · 55
    expect(at.slice(0, 5)).toEqual([5_000, 15_000, 25_000, 40_000, 55_000]);
    expect(s.store.getState().interval).toBe(15);
  });

  it.each(['CODE_EXPIRED', 'CODE_INVALID'] as const)('%s: asks for a new code pair at once and polls with it', async (code) => {
    const s = setup();
    s.tokenScript.push(pending(), new ApiError(code, 'gone', code === 'CODE_EXPIRED' ? 410 : 400));
    s.store.getState().start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.api.deviceAuthorize).toHaveBeenCalledTimes(2);
    expect(s.store.getState()).toMatchObject({ phase: 'showing', userCode: 'LMNP-QRST', verificationUriComplete: 'http://srv/#/link?code=LMNP-QRST' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.polls().map((c) => [c.at, c.deviceCode])).toEqual([
      [5_000, 'rad_device-code-0'],
      [10_000, 'rad_device-code-0'],
      [15_000, 'rad_device-code-1'],
    ]);
  });

  it('asks for a new code when the code’s lifetime has passed by the local clock, without polling the old one', async () => {
    const s = setup();
    s.authorizeScript.push(codePair(0, { expiresIn: 12 }));
    s.store.getState().start();
    await vi.advanceTimersByTimeAsync(11_999);
    expect(s.store.getState().userCode).toBe('BCDF-GHJK');
    await vi.advanceTimersByTimeAsync(1);
    expect(s.api.deviceAuthorize).toHaveBeenCalledTimes(2);
    expect(s.store.getState().userCode).toBe('LMNP-QRST');
    expect(s.polls().map((c) => [c.at, c.deviceCode])).toEqual([
      [5_000, 'rad_device-code-0'],
      [10_000, 'rad_device-code-0'],
    ]);
  });

  it('no answer: keeps the code, flags the problem, retries with a capped backoff, clears the flag when answered', async () => {
    const s = setup();
    const down = () => new ApiError('NETWORK_DOWN', 'Failed to fetch');
    s.tokenScript.push(down(), down(), down(), new ApiError('INTERNAL', 'oops', 502), pending());
    s.store.getState().start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.store.getState()).toMatchObject({ phase: 'showing', userCode: 'BCDF-GHJK', problem: 'offline' });
    await vi.advanceTimersByTimeAsync(35_000);
    expect(s.store.getState()).toMatchObject({ userCode: 'BCDF-GHJK', problem: 'server' });
    await vi.advanceTimersByTimeAsync(40_000);
    // 5 · +5 · +10 · +20 · +40 (then answered: pending)
    expect(s.polls().map((c) => c.at)).toEqual([5_000, 10_000, 20_000, 40_000, 80_000]);
    expect(s.polls().every((c) => c.deviceCode === 'rad_device-code-0')).toBe(true);
    expect(s.api.deviceAuthorize).toHaveBeenCalledTimes(1);
    expect(s.store.getState().problem).toBeNull();
    expect(backoffMs(10, 5, 60_000)).toBe(60_000);
    expect(backoffMs(1, 5, 60_000)).toBe(5_000);
  });

  it('retries asking for a code when the server cannot be reached, then shows it', async () => {
    const s = setup();
    s.authorizeScript.push(new ApiError('NETWORK_DOWN', 'Failed to fetch'), new ApiError('TIMEOUT', 'slow'));
    s.store.getState().start();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.store.getState()).toMatchObject({ phase: 'requesting', userCode: null, problem: 'offline' });
    await vi.advanceTimersByTimeAsync(15_000);
    expect(s.calls.filter((c) => c.kind === 'authorize').map((c) => c.at)).toEqual([0, 5_000, 15_000]);
    expect(s.store.getState()).toMatchObject({ phase: 'showing', userCode: 'VWXZ-BCDF', problem: null });
  });

  it('stop() cancels the timers and drops the answer of the poll in flight', async () => {
    const s = setup();
    const answer = deferred<DeviceTokenResponse>();
    s.tokenScript.push(answer.promise);
    s.store.getState().start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.polls()).toHaveLength(1);
    s.store.getState().stop();
    expect(s.polls()[0]?.signal?.aborted).toBe(true);
    answer.resolve(LINKED);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(s.onLinked).not.toHaveBeenCalled();
    expect(s.polls()).toHaveLength(1);
    expect(s.store.getState()).toMatchObject({ phase: 'idle', userCode: null });
  });

  it('stop() while a code is being requested drops it; start() again begins afresh', async () => {
    const s = setup();
    const codes = deferred<DeviceAuthorizeResponse>();
    s.authorizeScript.push(codes.promise);
    s.store.getState().start();
    s.store.getState().stop();
    codes.resolve(codePair(7));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.store.getState().phase).toBe('idle');
    expect(s.polls()).toHaveLength(0);
    s.store.getState().start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.store.getState()).toMatchObject({ phase: 'showing', userCode: 'LMNP-QRST' });
    expect(s.polls().map((c) => c.deviceCode)).toEqual(['rad_device-code-1']);
  });

  it('never has two polls in flight and waits a whole interval after a slow answer', async () => {
    const s = setup();
    const slow = deferred<DeviceTokenResponse>();
    s.tokenScript.push(slow.promise);
    s.store.getState().start();
    await vi.advanceTimersByTimeAsync(5_000 + 30_000);
    expect(s.polls()).toHaveLength(1);
    slow.reject(pending());
    await vi.advanceTimersByTimeAsync(4_999);
    expect(s.polls()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.polls().map((c) => c.at)).toEqual([5_000, 40_000]);
    expect(s.maxInFlight()).toBe(1);
  });

  it('starts over when the credential cannot be kept', async () => {
    const s = setup();
    s.onLinked.mockRejectedValueOnce(new Error('disk full'));
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    s.tokenScript.push(LINKED);
    s.store.getState().start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(error).toHaveBeenCalled();
    expect(s.store.getState()).toMatchObject({ phase: 'showing', userCode: 'LMNP-QRST' });
    error.mockRestore();
  });
});
