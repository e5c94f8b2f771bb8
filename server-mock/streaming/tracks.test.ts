/**
 * Track choices across terminals: the audio language, subtitle language (or off) and speed a
 * terminal reports with its heartbeats and stop reach global's record of the viewing, and the
 * next play of the same programme — on another terminal — is told to start with them; an
 * episode never watched starts with the series' languages. Bad choices are 400 and change nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgramsAnswer } from '../../common/protocol/api.ts';
import type { Program } from '../../common/protocol/model.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import { DEMO_CATALOG_URL, readCatalogFile } from '../demo/seed.ts';
import { addTerminal, clusterReport, postReports, SERVICE_AUTH, signUp, startTestServer, type TestServer } from '../testing/harness.ts';

const episode = (n: number): Program => ({
  id: `harbour-s1e${n}`,
  title: `Harbour Stories ${n}`,
  synopsis: 'test episode',
  durationMs: 20 * 60_000,
  kind: 'vod',
  terminalTypes: ['stb', 'mobile', 'pc'],
  artwork: 'harbour-lights/poster.jpg',
  series: { id: 'harbour-stories', title: 'Harbour Stories', season: 1, episode: n },
  links: [{ dash: 'harbour-lights/manifest.mpd' }],
});

let s: TestServer;
let user: string;
let tv: { id: string; credential: string };
let phone: { id: string; credential: string };
beforeEach(async () => {
  s = await startTestServer({ reportIntervalSec: 3600, instanceId: 'S1' }, [...(await readCatalogFile(DEMO_CATALOG_URL)), episode(1), episode(2)]);
  user = await signUp(s.app, 'tracks@example.com');
  tv = await addTerminal(s.app, user, 'TV', 'stb');
  phone = await addTerminal(s.app, user, 'Phone', 'mobile');
});
afterEach(async () => {
  await s.close();
});

const play = async (programId: string, credential: string) => {
  const res = await s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: { authorization: `Bearer ${credential}` }, payload: { programId } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<PlayResponse>();
};
const post = (p: PlayResponse, what: 'heartbeat' | 'stop', body: object) =>
  s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/${what}`, headers: { authorization: `Bearer ${p.playToken}` }, payload: body });
const recordOf = async (terminalId: string, programId: string) => {
  const answer = (await s.app.inject({ url: `/global/v1/programs?terminalId=${terminalId}`, headers: { authorization: SERVICE_AUTH } })).json<ProgramsAnswer>();
  return answer.history.find((r) => r.terminalId === terminalId && r.programId === programId) ?? null;
};
const until = async (check: () => Promise<boolean>) => {
  const end = Date.now() + 3_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
};
const at = (offsetMs: number) => ({ kind: 'offset', offsetMs });

describe('track choices', () => {
  it('a heartbeat’s choice reaches global at once; the stop’s is recorded; another terminal starts with it', async () => {
    const a = await play('harbour-lights', tv.credential);
    expect(a.tracks).toBeUndefined();
    // A plain heartbeat carrying a new choice is forwarded at once (the report interval is an hour).
    expect((await post(a, 'heartbeat', { position: at(120_000), seq: 1, tracks: { audioLanguage: 'fr', subtitleLanguage: 'zh' } })).statusCode).toBe(200);
    expect((await post(a, 'heartbeat', { position: at(125_000), seq: 2 })).statusCode).toBe(200);
    await until(async () => (await recordOf(tv.id, 'harbour-lights'))?.tracks?.audioLanguage === 'fr');
    // The stop changes only what it names: speed now, languages kept.
    expect((await post(a, 'stop', { position: at(180_000), seq: 3, tracks: { playbackRate: 1.5 } })).statusCode).toBe(200);
    await until(async () => (await recordOf(tv.id, 'harbour-lights'))?.breakpoint.kind === 'offset' && (await recordOf(tv.id, 'harbour-lights'))?.tracks?.playbackRate === 1.5);
    expect((await recordOf(tv.id, 'harbour-lights'))?.tracks).toEqual({ audioLanguage: 'fr', subtitleLanguage: 'zh', playbackRate: 1.5 });

    const b = await play('harbour-lights', phone.credential);
    expect(b.tracks).toEqual({ audioLanguage: 'fr', subtitleLanguage: 'zh', playbackRate: 1.5 });
    // Subtitles turned off on the phone: null, not absent.
    expect((await post(b, 'stop', { position: at(240_000), seq: 1, tracks: { subtitleLanguage: null, playbackRate: 1 } })).statusCode).toBe(200);
    await until(async () => (await recordOf(phone.id, 'harbour-lights'))?.tracks?.subtitleLanguage === null);
    expect((await play('harbour-lights', tv.credential)).tracks).toEqual({ audioLanguage: 'fr', subtitleLanguage: null, playbackRate: 1 });
  });

  it('a new episode starts with the languages of the series’ newest-watched episode (not its speed)', async () => {
    const e1 = await play('harbour-s1e1', tv.credential);
    await post(e1, 'stop', { position: at(300_000), seq: 1, tracks: { audioLanguage: 'fr', subtitleLanguage: 'en', playbackRate: 1.25 } });
    await until(async () => (await recordOf(tv.id, 'harbour-s1e1'))?.tracks?.audioLanguage === 'fr');
    expect((await play('harbour-s1e2', phone.credential)).tracks).toEqual({ audioLanguage: 'fr', subtitleLanguage: 'en' });
    expect((await play('harbour-lights', phone.credential)).tracks).toBeUndefined();
  });

  it('choices belong to the profile that watched: another person on the same TV starts with none', async () => {
    const a = await play('harbour-lights', tv.credential);
    await post(a, 'stop', { position: at(200_000), seq: 1, tracks: { audioLanguage: 'fr', subtitleLanguage: 'zh' } });
    await until(async () => (await recordOf(tv.id, 'harbour-lights'))?.tracks?.audioLanguage === 'fr');
    const kid = await s.app.inject({ method: 'POST', url: '/api/v1/profiles', headers: { authorization: `Bearer ${user}` }, payload: { name: 'Kid' } });
    expect(kid.statusCode, kid.body).toBe(201);
    const switched = await s.app.inject({ method: 'PUT', url: '/api/v1/terminals/current/profile', headers: { authorization: `Bearer ${tv.credential}` }, payload: { profileId: kid.json<{ id: string }>().id } });
    expect(switched.statusCode, switched.body).toBe(200);
    expect((await play('harbour-lights', tv.credential)).tracks).toBeUndefined();
    // The phone is still on the first profile: it gets the choice.
    expect((await play('harbour-lights', phone.credential)).tracks).toEqual({ audioLanguage: 'fr', subtitleLanguage: 'zh' });
  });

  it('an offline upload carries its choice too; a report without one keeps the stored choice', async () => {
    const r1 = clusterReport(tv.id, 'tea-break', 100_000, 1, { event: 'pause', tracks: { audioLanguage: 'es-419' } });
    expect((await postReports(s.app, [r1])).statusCode).toBe(200);
    expect((await postReports(s.app, [clusterReport(tv.id, 'tea-break', 110_000, 2)])).statusCode).toBe(200);
    expect((await recordOf(tv.id, 'tea-break'))?.tracks).toEqual({ audioLanguage: 'es-419' });
  });

  const bad: [string, object][] = [
    ['a speed above 2×', { playbackRate: 2.5 }],
    ['a speed below 0.5×', { playbackRate: 0.25 }],
    ['a speed that is not a number', { playbackRate: '1.5' }],
    ['a language that is not a tag', { audioLanguage: 'fr; DROP TABLE' }],
    ['an empty language', { subtitleLanguage: '' }],
    ['an unknown field', { audioLanguage: 'fr', volume: 3 }],
    ['not an object', ['fr']],
  ];
  it.each(bad)('refuses %s with 400 and changes nothing', async (_name, tracks) => {
    const a = await play('harbour-lights', tv.credential);
    await post(a, 'heartbeat', { position: at(60_000), seq: 1, tracks: { audioLanguage: 'en' } });
    await until(async () => (await recordOf(tv.id, 'harbour-lights'))?.tracks?.audioLanguage === 'en');
    for (const what of ['heartbeat', 'stop'] as const) {
      const res = await post(a, what, { position: at(90_000), seq: 5, tracks });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
    const upload = await postReports(s.app, [clusterReport(tv.id, 'harbour-lights', 95_000, 6, { tracks: tracks as never })]);
    expect(upload.statusCode).toBe(400);
    const rec = await recordOf(tv.id, 'harbour-lights');
    expect(rec?.tracks).toEqual({ audioLanguage: 'en' });
    expect(rec?.breakpoint).toEqual(at(60_000));
    // The session is still open and takes a good heartbeat.
    expect((await post(a, 'heartbeat', { position: at(91_000), seq: 7 })).statusCode).toBe(200);
  });
});
