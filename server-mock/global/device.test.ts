/**
 * Linking a TV by code (RFC 8628): the happy path over HTTP, and every refusal — wrong,
 * expired, reused codes, polling too fast, guessing — leaving the TV unlinked.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceAuthorizeResponse, DeviceTokenResponse } from '../../common/protocol/device.ts';
import type { HomePage } from '../../common/protocol/api.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { getHome, signUp, startTestServer, type TestServer } from '../testing/harness.ts';
import { DeviceService, normaliseUserCode, USER_CODE_ALPHABET } from './device-service.ts';

describe('over HTTP', () => {
  let s: TestServer;
  let user: string;
  beforeEach(async () => {
    s = await startTestServer({ authRateLimit: 1000, publicUrl: 'http://tv.example:8750' });
    user = await signUp(s.app, 'family@example.com');
  });
  afterEach(async () => {
    await s.close();
  });
  const authorize = async () =>
    (await s.app.inject({ method: 'POST', url: '/api/v1/device/authorize', payload: { name: 'Living-room TV' } })).json<DeviceAuthorizeResponse>();
  const poll = (deviceCode: string) => s.app.inject({ method: 'POST', url: '/api/v1/device/token', payload: { deviceCode } });
  const link = (userCode: string, token = user) =>
    s.app.inject({ method: 'POST', url: '/api/v1/device/link', headers: { authorization: `Bearer ${token}` }, payload: { userCode } });

  it('TV shows a code, the user enters it, the TV becomes an stb terminal of the account', async () => {
    const codes = await authorize();
    expect(codes.userCode).toMatch(new RegExp(`^[${USER_CODE_ALPHABET}]{4}-[${USER_CODE_ALPHABET}]{4}$`));
    expect(codes).toMatchObject({ verificationUri: 'http://tv.example:8750/#/link', expiresIn: 600, interval: 5 });
    expect(codes.verificationUriComplete).toBe(`http://tv.example:8750/#/link?code=${codes.userCode}`);
    const pending = await poll(codes.deviceCode);
    expect(pending.statusCode).toBe(400);
    expect(pending.json().code).toBe('AUTHORIZATION_PENDING');

    // People type codes sloppily: lower case, spaces instead of the dash.
    const res = await link(codes.userCode.toLowerCase().replace('-', ' '));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ terminalName: 'Living-room TV', terminalType: 'stb' });

    // The TV polls again after the interval (tests rewind its last poll instead of waiting).
    await s.exec('UPDATE device_codes SET last_poll_at = last_poll_at - 10000');
    const done = await poll(codes.deviceCode);
    expect(done.statusCode, done.body).toBe(200);
    const token = done.json<DeviceTokenResponse>();
    expect(token.terminal).toMatchObject({ name: 'Living-room TV', type: 'stb' });
    expect(token.account.login).toBe('family@example.com');
    const home = await getHome(s.app, token.credential);
    expect(home.json<HomePage>().terminal.id).toBe(token.terminal.id);
    const terminals = (await s.app.inject({ url: '/api/v1/terminals', headers: { authorization: `Bearer ${user}` } })).json();
    expect(terminals.terminals.map((t: { type: string }) => t.type)).toEqual(['stb']);

    // Single use: the device code and the user code are spent.
    expect((await poll(codes.deviceCode)).json().code).toBe('CODE_INVALID');
    expect((await link(codes.userCode)).json().code).toBe('CODE_INVALID');
  });

  it('an already registered terminal of the account (the PC app) may approve the code', async () => {
    const pc = await s.app.inject({ method: 'POST', url: '/api/v1/terminals', headers: { authorization: `Bearer ${user}` }, payload: { name: 'PC', type: 'pc' } });
    const codes = await authorize();
    const res = await link(codes.userCode, pc.json().credential);
    expect(res.statusCode, res.body).toBe(200);
    const row = (await s.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${pc.json().credential}` } })).json();
    expect(row.account.login).toBe('family@example.com');
  });

  it('a wrong or malformed code is refused with a clear message and links nothing', async () => {
    const codes = await authorize();
    const wrong = await link('BBBB-BBBB');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('CODE_INVALID');
    expect(wrong.json().message).toMatch(/not valid/);
    expect((await link('12345678')).json().code).toBe('VALIDATION_FAILED');
    expect((await link(codes.userCode, 'ras_forged')).statusCode).toBe(401);
    expect((await poll(codes.deviceCode)).json().code).toBe('AUTHORIZATION_PENDING');
  });

  it('polling faster than the interval is told to slow down', async () => {
    const codes = await authorize();
    expect((await poll(codes.deviceCode)).json().code).toBe('AUTHORIZATION_PENDING');
    const fast = await poll(codes.deviceCode);
    expect(fast.json()).toMatchObject({ code: 'SLOW_DOWN', details: { interval: 10 } });
  });

  it('guesses are rate-limited', async () => {
    const limited = await startTestServer({ authRateLimit: 5 });
    try {
      const token = await signUp(limited.app, 'guesser@example.com');
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await limited.app.inject({ method: 'POST', url: '/api/v1/device/link', headers: { authorization: `Bearer ${token}` }, payload: { userCode: 'BCDF-GHJK' } });
        statuses.push(res.statusCode);
      }
      expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
      expect(statuses.slice(5)).toEqual([429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('configuration', () => {
  it('--device-code-ttl-sec and --device-poll-interval-sec reach the codes the TV is given', async () => {
    const s = await startTestServer({ deviceCodeTtlSec: 3, devicePollIntervalSec: 1 });
    try {
      const res = await s.app.inject({ method: 'POST', url: '/api/v1/device/authorize', payload: {} });
      expect(res.json()).toMatchObject({ expiresIn: 3, interval: 1 });
    } finally {
      await s.close();
    }
  });
});

describe('expiry (service with a controlled clock)', () => {
  let dir: string;
  let store: Store;
  let now: number;
  let service: DeviceService;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ra-device-'));
    store = await openSqliteStore({ file: join(dir, 'db.sqlite') });
    await store.createUser({ id: 'user-00001', login: 'a@example.com', displayName: 'A', passwordHash: 'x', createdAt: 0, role: 'owner', sharedHistory: false });
    now = 1_800_000_000_000;
    service = new DeviceService({ store, now: () => now });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('an expired code cannot be linked nor polled, and the TV stays unlinked', async () => {
    const codes = await service.authorize('http://x/#/link');
    now += 600_000;
    await expect(service.link('user-00001', codes.userCode)).rejects.toMatchObject({ code: 'CODE_EXPIRED' });
    await expect(service.poll(codes.deviceCode)).rejects.toMatchObject({ code: 'CODE_EXPIRED' });
    expect(await store.listTerminals('user-00001')).toEqual([]);
  });

  it('a code linked just before expiry but polled after it is refused', async () => {
    const codes = await service.authorize('http://x/#/link');
    now += 599_000;
    await service.link('user-00001', codes.userCode);
    now += 2_000;
    await expect(service.poll(codes.deviceCode)).rejects.toMatchObject({ code: 'CODE_EXPIRED' });
    expect(await store.listTerminals('user-00001')).toEqual([]);
  });

  it('normalises typed codes', () => {
    expect(normaliseUserCode('bcdf-ghjk')).toBe('BCDFGHJK');
    expect(normaliseUserCode(' BCDF GHJK ')).toBe('BCDFGHJK');
    expect(normaliseUserCode('BCDF-GHJ')).toBeNull();
  });
});
