/**
 * Household profiles end to end in one process: per-profile history, row, removals and push;
 * shared history; the maturity limit at the portal and at the access server (stable code);
 * PIN guesses limited; who may manage profiles; deleting a profile; at most 8.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Profile, ProfileList } from '../../common/protocol/profiles.ts';
import type { HomePage } from '../../common/protocol/api.ts';
import type { Program } from '../../common/protocol/model.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import { addTerminal, clusterReport, getHome, postReports, signUp, startTestServer, type TestServer } from '../testing/harness.ts';
import { openEventStream } from '../testing/sse-client.ts';
import { PIN_MAX_FAILURES } from './profiles-service.ts';

const rated = (id: string, ageRating: number | undefined): Program => ({
  id, title: id, synopsis: '', durationMs: 20 * 60_000, kind: 'vod', terminalTypes: ['stb', 'mobile', 'pc'],
  artwork: `${id}/poster.jpg`, links: [{ dash: 'harbour-lights/manifest.mpd' }], ...(ageRating === undefined ? {} : { ageRating }),
});

let s: TestServer;
let user: string;
let tv: { id: string; credential: string };
let pc: { id: string; credential: string };
let phone: { id: string; credential: string };
let parent: Profile;
let kid: Profile;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const inject = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, credential: string, payload?: object) =>
  s.app.inject({ method, url, headers: bearer(credential), ...(payload ? { payload } : {}) });
const select = (terminal: { credential: string }, profileId: string, pin?: string) =>
  inject('PUT', '/api/v1/terminals/current/profile', terminal.credential, { profileId, ...(pin ? { pin } : {}) });
const home = async (t: { credential: string }) => (await getHome(s.app, t.credential)).json<HomePage>();
const rowOf = async (t: { credential: string }) => (await home(t)).continueWatching.map((c) => [c.program.id, c.record.terminalName]);

beforeEach(async () => {
  s = await startTestServer({ instanceId: 'S1' }, [rated('cartoon', 0), rated('thriller', 16), rated('unrated-doc', undefined)]);
  user = await signUp(s.app, 'family@example.com');
  tv = await addTerminal(s.app, user, 'TV', 'stb');
  pc = await addTerminal(s.app, user, 'PC', 'pc');
  phone = await addTerminal(s.app, user, 'Phone', 'mobile');
  const list = (await inject('GET', '/api/v1/profiles', pc.credential)).json<ProfileList>();
  parent = list.profiles[0] as Profile;
  const created = await inject('POST', '/api/v1/profiles', user, { name: 'Kid', maturityLimit: 12, language: 'zh-CN' });
  expect(created.statusCode, created.body).toBe(201);
  kid = created.json<Profile>();
  expect((await select(tv, kid.id)).statusCode).toBe(200);
  expect((await select(phone, kid.id)).statusCode).toBe(200);
});
afterEach(async () => {
  await s.close();
});

describe('profiles', () => {
  it('a new household has one default profile; each terminal remembers its own', async () => {
    expect(parent).toMatchObject({ name: 'family', hasPin: false, maturityLimit: null });
    expect(kid).toMatchObject({ name: 'Kid', hasPin: false, maturityLimit: 12, language: 'zh-CN' });
    expect((await inject('GET', '/api/v1/profiles', tv.credential)).json<ProfileList>().currentProfileId).toBe(kid.id);
    expect((await inject('GET', '/api/v1/profiles', pc.credential)).json<ProfileList>().currentProfileId).toBe(parent.id);
    expect((await home(tv)).profile?.id).toBe(kid.id);
  });

  it('history, the row and removals are per profile, across all the household’s terminals', async () => {
    // Current profiles: TV and phone = Kid, PC = parent. Reports without a profile are the terminal's current one's.
    await postReports(s.app, [clusterReport(tv.id, 'cartoon', 300_000, 1), clusterReport(pc.id, 'ocean', 300_000, 1)]);
    expect(await rowOf(phone)).toEqual([['cartoon', 'TV']]);
    expect(await rowOf(pc)).toEqual([['ocean', 'PC']]);
    // The parent watched a cartoon on the TV (a report naming the parent's profile).
    await postReports(s.app, [clusterReport(tv.id, 'city', 200_000, 2, { profileId: parent.id })]);
    expect((await rowOf(pc)).sort()).toEqual([['city', 'TV'], ['ocean', 'PC']]);
    expect(await rowOf(phone)).toEqual([['cartoon', 'TV']]);
    // A removal by the kid is the kid's only.
    await inject('DELETE', '/api/v1/continue-watching/cartoon', phone.credential);
    expect(await rowOf(tv)).toEqual([]);
    await postReports(s.app, [clusterReport(pc.id, 'cartoon', 100_000, 3)]);
    expect((await rowOf(pc)).map((r) => r[0]).sort()).toEqual(['cartoon', 'city', 'ocean']);
  });

  it('shared history (the household’s choice) shows every profile’s records, still within the limit', async () => {
    await postReports(s.app, [clusterReport(pc.id, 'thriller', 300_000, 1), clusterReport(pc.id, 'ocean', 300_000, 2), clusterReport(tv.id, 'cartoon', 300_000, 3)]);
    expect(await rowOf(phone)).toEqual([['cartoon', 'TV']]);
    expect((await inject('PUT', '/api/v1/account/settings', tv.credential, { sharedHistory: true })).json().code).toBe('FORBIDDEN');
    expect((await inject('PUT', '/api/v1/account/settings', user, { sharedHistory: true })).json()).toEqual({ sharedHistory: true });
    // The kid sees the cartoon (theirs) and nothing rated above 12 or unrated (ocean is an unrated fixture).
    expect(await rowOf(phone)).toEqual([['cartoon', 'TV']]);
    expect((await rowOf(pc)).map((r) => r[0]).sort()).toEqual(['cartoon', 'ocean', 'thriller']);
  });

  it('the maturity limit filters the catalogue and is enforced by the access server', async () => {
    const catalogue = (await home(tv)).catalogue.map((p) => p.id);
    expect(catalogue).toEqual(['cartoon']);
    expect((await home(pc)).catalogue.map((p) => p.id)).toEqual(expect.arrayContaining(['cartoon', 'thriller', 'unrated-doc', 'ocean']));
    const play = (credential: string | null, body: object) =>
      s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: credential ? bearer(credential) : {}, payload: body });
    const refused = await play(tv.credential, { programId: 'thriller' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('PROGRAM_RESTRICTED');
    expect((await play(tv.credential, { programId: 'unrated-doc' })).json().code).toBe('PROGRAM_RESTRICTED');
    expect((await play(tv.credential, { programId: 'tv-only' })).json().code).toBe('PROGRAM_RESTRICTED');
    expect((await play(pc.credential, { programId: 'tv-only' })).json().code).toBe('PROGRAM_NOT_ALLOWED');
    // A parent's token does not get the kid's terminal past the limit either.
    const parentPlay = (await play(pc.credential, { programId: 'thriller' })).json<PlayResponse>();
    expect((await play(null, { programId: 'thriller', playToken: parentPlay.playToken, terminalId: tv.id })).json().code).toBe('PROGRAM_RESTRICTED');
    // Allowed: rated within the limit; the token and the report name the kid's profile.
    const ok = await play(tv.credential, { programId: 'cartoon' });
    expect(ok.statusCode, ok.body).toBe(200);
    const p = ok.json<PlayResponse>();
    const claims = JSON.parse(Buffer.from(p.playToken.split('.')[1] as string, 'base64url').toString()) as { pf?: string };
    expect(claims.pf).toBe(kid.id);
    await s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/stop`, headers: bearer(p.playToken), payload: { position: { kind: 'offset', offsetMs: 240_000 }, seq: 5 } });
    await s.app.streaming?.reporter.flush();
    for (let i = 0; i < 50 && (await rowOf(phone)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await rowOf(phone)).toEqual([['cartoon', 'TV']]);
    expect(await rowOf(pc)).toEqual([]); // the kid's viewing is not on the parent's row
  });

  it('a PIN is required to choose a profile, and guesses are limited (pin-lock.test.ts has the rest)', async () => {
    expect((await inject('PATCH', `/api/v1/profiles/${parent.id}`, user, { pin: '4321' })).json<Profile>().hasPin).toBe(true);
    expect((await select(tv, parent.id)).json().code).toBe('PIN_WRONG');
    for (let i = 1; i < PIN_MAX_FAILURES; i++) expect((await select(tv, parent.id, '0000')).json().code).toBe(i < PIN_MAX_FAILURES - 1 ? 'PIN_WRONG' : 'PIN_LOCKED');
    const locked = await select(tv, parent.id, '4321');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('PIN_LOCKED');
    expect((await inject('GET', '/api/v1/profiles', tv.credential)).json<ProfileList>().currentProfileId).toBe(kid.id);
    // The lock is the profile's, on every terminal; the owner's new PIN lifts it.
    expect((await select(phone, parent.id, '4321')).json().code).toBe('PIN_LOCKED');
    expect((await inject('PATCH', `/api/v1/profiles/${parent.id}`, user, { pin: '4321' })).statusCode).toBe(200);
    expect((await select(phone, parent.id, '4321')).statusCode).toBe(200);
    expect((await inject('GET', '/api/v1/profiles', phone.credential)).json<ProfileList>().currentProfileId).toBe(parent.id);
    // The PIN is never sent back.
    expect((await inject('GET', '/api/v1/profiles', pc.credential)).body).not.toContain('4321');
  });

  it('a profile under a maturity limit cannot manage profiles; at most 8; never the last one', async () => {
    const before = (await s.dump());
    expect((await inject('PATCH', `/api/v1/profiles/${kid.id}`, tv.credential, { maturityLimit: null })).json().code).toBe('FORBIDDEN');
    expect((await inject('POST', '/api/v1/profiles', tv.credential, { name: 'Sneaky' })).json().code).toBe('FORBIDDEN');
    expect((await s.dump())).toEqual(before);
    for (let i = 3; i <= 8; i++) expect((await inject('POST', '/api/v1/profiles', pc.credential, { name: `P${i}` })).statusCode).toBe(201);
    const ninth = await inject('POST', '/api/v1/profiles', pc.credential, { name: 'P9' });
    expect(ninth.statusCode).toBe(409);
    expect(ninth.json().code).toBe('PROFILE_LIMIT');
    const all = (await inject('GET', '/api/v1/profiles', user)).json<ProfileList>().profiles;
    expect(all).toHaveLength(8);
    for (const p of all.slice(1)) expect((await inject('DELETE', `/api/v1/profiles/${p.id}`, user)).statusCode).toBe(204);
    expect((await inject('DELETE', `/api/v1/profiles/${parent.id}`, user)).json().code).toBe('PROFILE_LIMIT');
  });

  it('deleting a profile deletes its history; its terminals fall back to the first profile', async () => {
    await postReports(s.app, [clusterReport(tv.id, 'cartoon', 300_000, 1), clusterReport(pc.id, 'ocean', 300_000, 2)]);
    expect((await inject('DELETE', `/api/v1/profiles/${kid.id}`, user)).statusCode).toBe(204);
    expect((await inject('GET', '/api/v1/profiles', tv.credential)).json<ProfileList>().currentProfileId).toBe(parent.id);
    expect(await rowOf(tv)).toEqual([['ocean', 'PC']]);
    const db = (await s.dump()) as Record<string, { profile_id?: string }[]>;
    expect(db.history?.some((r) => r.profile_id === kid.id)).toBe(false);
  });

  it('push reaches only the terminals of the record’s profile (all, when history is shared)', async () => {
    const base = await s.app.listen({ host: '127.0.0.1', port: 0 });
    const pcEvents = await openEventStream(base, pc.credential);
    const phoneEvents = await openEventStream(base, phone.credential);
    try {
      await postReports(s.app, [clusterReport(tv.id, 'cartoon', 300_000, 1)]);
      await phoneEvents.next((e) => e.type === 'history' && e.record.programId === 'cartoon');
      await postReports(s.app, [clusterReport(pc.id, 'ocean', 300_000, 2)]);
      await pcEvents.next((e) => e.type === 'history' && e.record.programId === 'ocean');
      await new Promise((r) => setTimeout(r, 100));
      expect(pcEvents.events.some((e) => e.event.type === 'history' && e.event.record.programId === 'cartoon')).toBe(false);
      expect(phoneEvents.events.some((e) => e.event.type === 'history' && e.event.record.programId === 'ocean')).toBe(false);
      await inject('PUT', '/api/v1/account/settings', user, { sharedHistory: true });
      await postReports(s.app, [clusterReport(tv.id, 'cartoon', 400_000, 3)]);
      await pcEvents.next((e) => e.type === 'history' && e.record.programId === 'cartoon');
      // The kid switching to the parent's profile gets the parent's events from then on.
      await inject('PUT', '/api/v1/account/settings', user, { sharedHistory: false });
      await select(phone, parent.id);
      await postReports(s.app, [clusterReport(pc.id, 'city', 200_000, 4)]);
      await phoneEvents.next((e) => e.type === 'history' && e.record.programId === 'city');
    } finally {
      pcEvents.close();
      phoneEvents.close();
    }
  });
});
