/**
 * The library's admin API and missing media, in a real app: guarded by the admin token, bad
 * input a 4xx with nothing changed; a programme whose media is missing (VOD folder gone, live
 * channel without its loop source — formerly a 500) answers MEDIA_UNAVAILABLE and is flagged;
 * a folder added through the API is packaged, edited and removed again.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG_URL, readCatalogFile } from '../demo/seed.ts';
import { addTerminal, ADMIN_TOKEN, dumpDatabase, signUp, startTestServer, type TestServer } from '../testing/harness.ts';
import { withZhSidecar } from './test-media.ts';

let s: TestServer;
let media: string;
let films: string;
let tv: { id: string; credential: string };
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  media = await mkdtemp(path.join(tmpdir(), 'ra-media-'));
  films = path.join(media, 'films-src');
  await withZhSidecar(path.join(films, 'Quiet Street.mp4'));
  // An empty media root: every demo programme (VOD and the live channel) has its media missing.
  await mkdir(path.join(media, 'root'));
  s = await startTestServer({ mediaDir: path.join(media, 'root'), instanceId: 'S1' }, await readCatalogFile(DEMO_CATALOG_URL));
  tv = await addTerminal(s.app, await signUp(s.app, 'owner@example.com'), 'TV', 'stb');
}, 60_000);
afterAll(async () => {
  await s?.close();
  await rm(media, { recursive: true, force: true });
});

const play = (programId: string) => s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: { authorization: `Bearer ${tv.credential}` }, payload: { programId } });

describe('missing media', () => {
  it('answers MEDIA_UNAVAILABLE (409) for a VOD and a live programme whose media is missing, never a 500', async () => {
    for (const id of ['harbour-lights', 'live-news']) {
      const res = await play(id);
      expect(res.statusCode, `${id}: ${res.body}`).toBe(409);
      expect(res.json()).toMatchObject({ code: 'MEDIA_UNAVAILABLE' });
    }
  });

  it('flags them in the library view', async () => {
    const res = await s.app.inject({ url: '/admin/v1/library/media', headers: admin });
    expect(res.statusCode).toBe(200);
    const flagged = res.json<{ programs: { programId: string; media: string }[] }>().programs;
    expect(flagged).toEqual(expect.arrayContaining([{ programId: 'live-news', title: 'City News 24', link: 'live-news/live.mpd', media: 'missing' }]));
    // The harness's own fixture programmes have no media either.
    expect(flagged.map((p) => p.programId).sort()).toEqual(['city', 'dumpling-workshop', 'fireside-concert', 'harbour-lights', 'laptop-only', 'live-news', 'ocean', 'short', 'tea-break', 'tv-only']);
  });
});

describe('admin API', () => {
  it('refuses without the admin token, and refuses bad folders with nothing changed', async () => {
    expect((await s.app.inject({ url: '/admin/v1/library' })).statusCode).toBe(401);
    const before = dumpDatabase(path.join(s.dataDir, 'library.sqlite'));
    const cases: [unknown, number, string][] = [
      [{ path: 'relative/dir' }, 400, 'VALIDATION_FAILED'],
      [{ path: '/no/such/folder/anywhere' }, 404, 'NOT_FOUND'],
      [{ path: path.join(films, 'Quiet Street.mp4') }, 400, 'VALIDATION_FAILED'],
      [{ path: films, extra: 1 }, 400, 'VALIDATION_FAILED'],
      [{}, 400, 'VALIDATION_FAILED'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await s.app.inject({ method: 'POST', url: '/admin/v1/library/folders', headers: admin, payload: payload as object });
      expect([res.statusCode, res.json().code], JSON.stringify(payload)).toEqual([status, code]);
    }
    const patch = await s.app.inject({ method: 'PATCH', url: '/admin/v1/library/programs/harbour-lights', headers: admin, payload: { title: 'x' } });
    expect([patch.statusCode, patch.json().code]).toEqual([404, 'PROGRAM_NOT_FOUND']);
    expect(dumpDatabase(path.join(s.dataDir, 'library.sqlite'))).toEqual(before);
  });

  it('watches a folder added through the API: packaged, listed with its tracks, edited, removed', async () => {
    const add = await s.app.inject({ method: 'POST', url: '/admin/v1/library/folders', headers: admin, payload: { path: films } });
    expect(add.statusCode, add.body).toBe(201);
    expect(add.json()).toMatchObject({ path: films, source: 'api', state: 'watching', files: 1 });
    expect(s.app.library).not.toBeNull();
    await s.app.library?.whenIdle();
    const list = (await s.app.inject({ url: '/admin/v1/library/programs', headers: admin })).json<{ programs: { programId: string; media: string; subtitles: { language: string }[]; program: { title: string } }[] }>();
    expect(list.programs).toHaveLength(1);
    const p = list.programs[0] as (typeof list.programs)[0];
    expect(p).toMatchObject({ media: 'ok', subtitles: [{ language: 'zh' }], program: { title: 'Quiet Street' } });
    const bad = await s.app.inject({ method: 'PATCH', url: `/admin/v1/library/programs/${p.programId}`, headers: admin, payload: { ageRating: 99 } });
    expect(bad.statusCode).toBe(400);
    const edited = await s.app.inject({ method: 'PATCH', url: `/admin/v1/library/programs/${p.programId}`, headers: admin, payload: { title: '安静的街道', synopses: { 'zh-CN': '雨夜。' }, ageRating: 6 } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ program: { title: '安静的街道', synopses: { 'zh-CN': '雨夜。' }, ageRating: 6 } });
    // It plays (its media is in the library root, next to the empty --media-dir).
    const res = await play(p.programId);
    expect(res.statusCode, res.body).toBe(200);
    const manifest = await s.app.inject({ url: new URL(res.json<{ manifestUrl: string }>().manifestUrl).pathname, headers: { authorization: `Bearer ${res.json<{ playToken: string }>().playToken}` } });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.body).toContain('lang="zh"');
    // A player that can only pass the token in the query (Safari, TV browsers) gets it on the
    // subtitle file and the thumbnail sheets too.
    const token = res.json<{ playToken: string }>().playToken;
    const viaQuery = await s.app.inject({ url: `${new URL(res.json<{ manifestUrl: string }>().manifestUrl).pathname}?token=${encodeURIComponent(token)}` });
    expect(viaQuery.statusCode).toBe(200);
    expect(viaQuery.body).toContain(`sub-0.vtt?token=${encodeURIComponent(token)}`);
    expect(viaQuery.body).toContain(`thumbs-$Number$.jpg?token=${encodeURIComponent(token)}`);
    const vtt = await s.app.inject({ url: `/media/${p.programId}/sub-0.vtt?token=${encodeURIComponent(token)}` });
    expect([vtt.statusCode, vtt.headers['content-type']]).toEqual([200, expect.stringContaining('text/vtt')]);
    const sheet = await s.app.inject({ url: `/media/${p.programId}/thumbs-1.jpg?token=${encodeURIComponent(token)}` });
    expect([sheet.statusCode, sheet.headers['content-type']]).toEqual([200, 'image/jpeg']);

    // A Continue-watching card's frame: the thumbnails take the terminal's own credential (a
    // record's play token expires long before the card leaves the row) — only the thumbnails.
    const byTerminal = (file: string, credential = tv.credential) => s.app.inject({ url: `/media/${p.programId}/${file}`, headers: { authorization: `Bearer ${credential}` } });
    expect([(await byTerminal('thumbnails.vtt')).statusCode, (await byTerminal('thumbs-1.jpg')).headers['content-type']]).toEqual([200, 'image/jpeg']);
    expect((await byTerminal('thumbnails.vtt')).body).toContain('thumbs-1.jpg#xywh=');
    for (const file of ['manifest.mpd', 'sub-0.vtt', 'init-0.m4s']) expect([file, (await byTerminal(file)).json().code]).toEqual([file, 'TOKEN_INVALID']);
    expect((await byTerminal('thumbnails.vtt', 'rat_not-a-real-credential')).json().code).toBe('UNAUTHENTICATED');
    // A signed-out (revoked) terminal gets 401 at once.
    const phone = await addTerminal(s.app, await (async () => {
      const session = await s.app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { login: 'owner@example.com', password: 'correct-horse-battery' } });
      return session.json<{ token: string }>().token;
    })(), 'Phone', 'mobile');
    expect((await byTerminal('thumbnails.vtt', phone.credential)).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'DELETE', url: '/api/v1/sessions/current', headers: { authorization: `Bearer ${phone.credential}` } })).statusCode).toBe(204);
    const revoked = await byTerminal('thumbnails.vtt', phone.credential);
    expect([revoked.statusCode, revoked.json().code]).toEqual([401, 'UNAUTHENTICATED']);
    // A terminal not offered the programme gets none of its frames; nor does the public artwork route.
    await s.app.inject({ method: 'PATCH', url: `/admin/v1/library/programs/${p.programId}`, headers: admin, payload: { terminalTypes: ['pc'] } });
    expect((await byTerminal('thumbnails.vtt')).statusCode).toBe(404);
    await s.app.inject({ method: 'PATCH', url: `/admin/v1/library/programs/${p.programId}`, headers: admin, payload: { terminalTypes: null } });
    expect((await byTerminal('thumbnails.vtt')).statusCode).toBe(200);
    expect((await s.app.inject({ url: `/artwork/${p.programId}/thumbs-1.jpg` })).statusCode).toBe(404);
    expect((await s.app.inject({ url: `/artwork/${p.programId}/poster.jpg` })).statusCode).toBe(200);

    const del = await s.app.inject({ method: 'DELETE', url: `/admin/v1/library/folders?path=${encodeURIComponent(films)}`, headers: admin });
    expect(del.statusCode).toBe(204);
    expect(await s.global.store.getProgram(p.programId)).toBeNull();
    // Withdrawn, not deleted: a play says so; the library still lists it, flagged.
    const refused = await play(p.programId);
    expect([refused.statusCode, refused.json()]).toEqual([410, expect.objectContaining({ code: 'PROGRAM_WITHDRAWN' })]);
    expect(await s.global.store.listWithdrawn()).toEqual([{ id: p.programId, withdrawnAt: expect.any(Number) }]);
    const listed = await s.app.inject({ url: '/admin/v1/library/programs', headers: admin });
    expect(listed.json<{ programs: unknown[] }>().programs).toEqual([expect.objectContaining({ programId: p.programId, withdrawn: true, files: [], media: 'missing', program: null })]);
  }, 60_000);
});
