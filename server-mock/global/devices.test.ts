/**
 * The Devices screen's API from any signed-in device: every terminal of the household with
 * its current profile and what it plays now; renaming and removing by a user session or a
 * terminal whose profile has no maturity limit (a child's profile cannot).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceList } from '../../common/protocol/account.ts';
import type { HomePage } from '../../common/protocol/api.ts';
import type { Profile } from '../../common/protocol/profiles.ts';
import { addTerminal, clusterReport, postReports, signUp, startTestServer, type TestServer } from '../testing/harness.ts';

let s: TestServer;
let user: string;
let tv: { id: string; credential: string };
let pc: { id: string; credential: string };
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const devices = async (credential: string) => (await s.app.inject({ url: '/api/v1/terminals', headers: bearer(credential) })).json<DeviceList>().terminals;
beforeEach(async () => {
  s = await startTestServer();
  user = await signUp(s.app, 'devices@example.com');
  tv = await addTerminal(s.app, user, 'Living-room TV', 'stb');
  pc = await addTerminal(s.app, user, 'Study PC', 'pc');
});
afterEach(async () => {
  await s.close();
});

describe('devices', () => {
  it('changes a terminal’s type later (a phone registered as a PC): stored, listed, and its catalogue follows', async () => {
    const catalogue = async (credential: string) => (await s.app.inject({ url: '/portal/v1/home', headers: bearer(credential) })).json<HomePage>().catalogue.map((p) => p.id);
    expect(await catalogue(pc.credential)).toContain('laptop-only');
    const changed = await s.app.inject({ method: 'PATCH', url: `/api/v1/terminals/${pc.id}`, headers: bearer(user), payload: { type: 'stb' } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ id: pc.id, name: 'Study PC', type: 'stb' });
    expect((await devices(pc.credential)).find((d) => d.id === pc.id)?.type).toBe('stb');
    const now = await catalogue(pc.credential);
    expect(now).toContain('tv-only');
    expect(now).not.toContain('laptop-only');
    // Name and type at once.
    expect((await s.app.inject({ method: 'PATCH', url: `/api/v1/terminals/${pc.id}`, headers: bearer(pc.credential), payload: { name: 'Phone', type: 'mobile' } })).json()).toMatchObject({ name: 'Phone', type: 'mobile' });
  });

  it('refuses a bad change with a stable code and changes nothing', async () => {
    const other = await signUp(s.app, 'other@example.com');
    const before = dumpDatabase(s.dbFile);
    for (const payload of [{}, { type: 'tv' }, { name: '' }, { type: 'pc', extra: 1 }, { name: 42 }]) {
      const r = await s.app.inject({ method: 'PATCH', url: `/api/v1/terminals/${tv.id}`, headers: bearer(user), payload });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().code).toBe('VALIDATION_FAILED');
    }
    expect((await s.app.inject({ method: 'PATCH', url: `/api/v1/terminals/${tv.id}`, headers: bearer(other), payload: { type: 'pc' } })).json().code).toBe('TERMINAL_NOT_FOUND');
    expect(dumpDatabase(s.dbFile)).toEqual(before);
  });

  it('lists every terminal with its profile and what it plays now, to a terminal credential too', async () => {
    const list = await devices(pc.credential);
    expect(list.map((d) => [d.name, d.type, d.nowPlaying])).toEqual([['Living-room TV', 'stb', null], ['Study PC', 'pc', null]]);
    expect(list.every((d) => typeof d.profileId === 'string')).toBe(true);
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 120_000, 1, { event: 'heartbeat' })]);
    expect((await devices(pc.credential))[0]?.nowPlaying).toMatchObject({ programId: 'ocean', breakpoint: { kind: 'offset', offsetMs: 120_000 }, paused: false });
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 130_000, 2, { event: 'pause' })]);
    expect((await devices(user))[0]?.nowPlaying?.paused).toBe(true);
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 140_000, 3, { event: 'stop' })]);
    expect((await devices(pc.credential))[0]?.nowPlaying).toBeNull();
  });

  it('a terminal renames and removes devices; a restricted profile cannot; removing itself signs it out', async () => {
    expect((await s.app.inject({ method: 'PATCH', url: `/api/v1/terminals/${tv.id}`, headers: bearer(pc.credential), payload: { name: 'Den TV' } })).statusCode).toBe(200);
    const kid = (await s.app.inject({ method: 'POST', url: '/api/v1/profiles', headers: bearer(user), payload: { name: 'Kid', maturityLimit: 7 } })).json<Profile>();
    await s.app.inject({ method: 'PUT', url: '/api/v1/terminals/current/profile', headers: bearer(tv.credential), payload: { profileId: kid.id } });
    const before = (await s.dump());
    const renamed = await s.app.inject({ method: 'PATCH', url: `/api/v1/terminals/${pc.id}`, headers: bearer(tv.credential), payload: { name: 'Mine now' } });
    expect(renamed.statusCode).toBe(403);
    expect(renamed.json().code).toBe('FORBIDDEN');
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/terminals/${pc.id}`, headers: bearer(tv.credential) })).json().code).toBe('FORBIDDEN');
    expect((await s.dump())).toEqual(before);
    expect((await devices(tv.credential)).map((d) => [d.name, d.profileId])).toEqual([['Den TV', kid.id], ['Study PC', (await devices(pc.credential))[1]?.profileId]]);
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/terminals/${pc.id}`, headers: bearer(pc.credential) })).statusCode).toBe(204);
    expect((await s.app.inject({ url: '/api/v1/me', headers: bearer(pc.credential) })).statusCode).toBe(401);
    expect((await devices(user)).map((d) => d.name)).toEqual(['Den TV']);
  });
});
