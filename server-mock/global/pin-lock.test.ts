/**
 * Wrong PINs are limited in the store, not in memory: 5 wrong within 15 min lock the profile on
 * every terminal (PIN_LOCKED, 429, Retry-After), the right PIN is refused while locked, the
 * account password still chooses it (and lifts the lock), a new PIN from the owner lifts it too;
 * the count survives a restart of global (a new process over the same file), and two global
 * instances over one PostgreSQL share one count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Profile, ProfileList } from '../../common/protocol/profiles.ts';
import { hashPassword } from '../auth/passwords.ts';
import { PG_SKIP_REASON, dropTestSchemas, freshSchema } from '../store/postgres-testing.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import { addTerminal, signUp, startTestServer, type TestServer } from '../testing/harness.ts';
import { PIN_LOCK_MS, PIN_MAX_FAILURES, ProfileService } from './profiles-service.ts';

const PASSWORD = 'correct-horse-battery';
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
type Terminal = { id: string; credential: string };

/** A household with a PIN'd parent profile on server `s`, and two terminals. */
async function household(s: TestServer, login = 'family@example.com') {
  const user = await signUp(s.app, login, PASSWORD);
  const tv = await addTerminal(s.app, user, 'TV', 'stb');
  const phone = await addTerminal(s.app, user, 'Phone', 'mobile');
  const parent = (await s.app.inject({ method: 'GET', url: '/api/v1/profiles', headers: bearer(tv.credential) })).json<ProfileList>().profiles[0] as Profile;
  const patched = await s.app.inject({ method: 'PATCH', url: `/api/v1/profiles/${parent.id}`, headers: bearer(user), payload: { pin: '4321' } });
  expect(patched.statusCode, patched.body).toBe(200);
  return { user, tv, phone, parent };
}
const select = (s: TestServer, t: Terminal, body: object) => s.app.inject({ method: 'PUT', url: '/api/v1/terminals/current/profile', headers: bearer(t.credential), payload: body });

describe('wrong PINs (one instance, either store)', () => {
  let s: TestServer;
  beforeEach(async () => {
    s = await startTestServer();
  });
  afterEach(async () => {
    await s.close();
  });

  it('locks the profile on every terminal at the limit; the account password still chooses it', async () => {
    const { tv, phone, parent } = await household(s);
    for (let left = PIN_MAX_FAILURES - 1; left >= 1; left--) {
      const wrong = await select(s, tv, { profileId: parent.id, pin: '0000' });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json()).toMatchObject({ code: 'PIN_WRONG', details: { attemptsLeft: left } });
    }
    const last = await select(s, tv, { profileId: parent.id, pin: '1111' });
    expect(last.statusCode).toBe(429);
    expect(last.json()).toMatchObject({ code: 'PIN_LOCKED', details: { retryAfterSec: PIN_LOCK_MS / 1000 } });
    expect(Number(last.headers['retry-after'])).toBe(PIN_LOCK_MS / 1000);
    // Locked: the right PIN is refused too, on this and on every other terminal, and nothing changes.
    const before = await s.dump();
    for (const t of [tv, phone]) {
      const refused = await select(s, t, { profileId: parent.id, pin: '4321' });
      expect(refused.statusCode).toBe(429);
      expect(refused.json().code).toBe('PIN_LOCKED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(await s.dump()).toEqual(before);
    // A wrong account password is refused and lifts nothing.
    expect((await select(s, phone, { profileId: parent.id, password: 'not-the-password' })).json().code).toBe('WRONG_PASSWORD');
    expect((await select(s, phone, { profileId: parent.id, pin: '4321' })).json().code).toBe('PIN_LOCKED');
    // The account password chooses the profile and lifts the lock.
    const owner = await select(s, phone, { profileId: parent.id, password: PASSWORD });
    expect(owner.statusCode, owner.body).toBe(200);
    expect((await select(s, tv, { profileId: parent.id, pin: '4321' })).statusCode).toBe(200);
  });

  it('the right PIN resets the count; a new PIN from the owner lifts a lock', async () => {
    const { user, tv, parent } = await household(s);
    for (let i = 0; i < PIN_MAX_FAILURES - 1; i++) await select(s, tv, { profileId: parent.id, pin: '0000' });
    expect((await select(s, tv, { profileId: parent.id, pin: '4321' })).statusCode).toBe(200);
    // Counting starts again: 4 more wrong are still only PIN_WRONG.
    for (let i = 0; i < PIN_MAX_FAILURES - 1; i++) expect((await select(s, tv, { profileId: parent.id, pin: '0000' })).json().code).toBe('PIN_WRONG');
    expect((await select(s, tv, { profileId: parent.id, pin: '0000' })).json().code).toBe('PIN_LOCKED');
    expect((await s.app.inject({ method: 'PATCH', url: `/api/v1/profiles/${parent.id}`, headers: bearer(user), payload: { pin: '2468' } })).statusCode).toBe(200);
    expect((await select(s, tv, { profileId: parent.id, pin: '2468' })).statusCode).toBe(200);
  });

  it('bad input is a 4xx with a stable code that counts nothing', async () => {
    const { tv, parent } = await household(s);
    for (const body of [{ profileId: parent.id, pin: '12a4' }, { profileId: parent.id, pin: '12345' }, { profileId: parent.id, password: '' }, { profileId: parent.id, pin: '1234', extra: 1 }]) {
      const r = await select(s, tv, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().code).toBe('VALIDATION_FAILED');
    }
    expect((await select(s, tv, { profileId: parent.id, pin: '0000' })).json()).toMatchObject({ code: 'PIN_WRONG', details: { attemptsLeft: PIN_MAX_FAILURES - 1 } });
  });
});

describe('wrong PINs survive a restart of global', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ra-pins-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a new process over the same store still counts the earlier failures', async () => {
    const file = join(dir, 'global.sqlite');
    const first = await openSqliteStore({ file });
    const user = { id: 'user-restart0', login: 'r@x', displayName: 'R', passwordHash: await hashPassword(PASSWORD), createdAt: 1, role: 'owner' as const, sharedHistory: false };
    expect(await first.createUser(user)).toBe(true);
    await first.createTerminal({ id: 'term-restart0', userId: user.id, name: 'TV', type: 'stb', credentialHash: 'h', createdAt: 1, lastSeenAt: null, profileId: null, revokedAt: null });
    const profileId = (await first.listProfiles(user.id))[0]?.id as string;
    await first.updateProfile(user.id, profileId, { pinHash: await hashPassword('4321') });
    const before = new ProfileService({ store: first });
    for (let i = 0; i < PIN_MAX_FAILURES - 1; i++) await expect(before.select(user.id, 'term-restart0', profileId, { pin: '0000' })).rejects.toMatchObject({ code: 'PIN_WRONG' });
    await first.close();

    const second = await openSqliteStore({ file });
    const after = new ProfileService({ store: second });
    try {
      await expect(after.select(user.id, 'term-restart0', profileId, { pin: '0000' })).rejects.toMatchObject({ code: 'PIN_LOCKED' });
      await expect(after.select(user.id, 'term-restart0', profileId, { pin: '4321' })).rejects.toMatchObject({ code: 'PIN_LOCKED' });
    } finally {
      await second.close();
    }
  });
});

describe.skipIf(PG_SKIP_REASON !== null)(`wrong PINs across global instances on PostgreSQL${PG_SKIP_REASON ? ` (skipped: ${PG_SKIP_REASON})` : ''}`, () => {
  const open: TestServer[] = [];
  afterEach(async () => {
    for (const x of open.splice(0).reverse()) await x.close();
  });
  afterAll(dropTestSchemas);

  it('failures spread over two instances add up to one limit', async () => {
    const schema = freshSchema();
    const one = await startTestServer({}, [], { pgSchema: schema });
    const two = await startTestServer({}, [], { pgSchema: schema });
    open.push(one, two);
    const { tv, parent } = await household(one);
    for (let i = 0; i < PIN_MAX_FAILURES - 1; i++) expect((await select(i % 2 ? one : two, tv, { profileId: parent.id, pin: '0000' })).json().code).toBe('PIN_WRONG');
    expect((await select(two, tv, { profileId: parent.id, pin: '0000' })).json().code).toBe('PIN_LOCKED');
    expect((await select(one, tv, { profileId: parent.id, pin: '4321' })).json().code).toBe('PIN_LOCKED');
  });
});
