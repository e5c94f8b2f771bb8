/**
 * The split home page (issue 17): the home document (`/portal/v2/home`) names the catalogue's
 * version; the catalogue (`/portal/v1/catalogue`) is its own resource with a strong ETag that
 * is derived from content (the same on every instance), 304 on revalidation, per terminal type
 * and maturity limit, paged, and compressed when the client accepts it.
 */
import { gunzipSync } from 'node:zlib';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CataloguePage, type HomeDocument, type HomePage } from '../../common/protocol/api.ts';
import type { Program } from '../../common/protocol/model.ts';
import type { Profile } from '../../common/protocol/profiles.ts';
import { ADMIN_TOKEN, addTerminal, clusterReport, FIXTURE_PROGRAMS, getHome, postReports, signUp, startTestServer, type TestServer } from '../testing/harness.ts';
import { expandHome, StaleCatalogueError } from '../../common/home-document.ts';
import { matchesIfNoneMatch } from './catalogue-cache.ts';

const rated = (id: string, ageRating: number | undefined): Program => ({
  id, title: `${id} "quoted" 节目`, synopsis: '},"programs":[],"x":{', durationMs: 20 * 60_000, kind: 'vod', terminalTypes: ['stb', 'mobile', 'pc'],
  artwork: `${id}/poster.jpg`, links: [{ dash: 'harbour-lights/manifest.mpd' }], ...(ageRating === undefined ? {} : { ageRating }),
});
const PROGRAMS = [rated('cartoon', 0), rated('thriller', 16), rated('unrated-doc', undefined)];

let s: TestServer;
let other: TestServer;
let tv: { id: string; credential: string };
let pc: { id: string; credential: string };
let kidTv: { id: string; credential: string };
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const get = (server: TestServer, url: string, credential: string, headers: Record<string, string> = {}) =>
  server.app.inject({ method: 'GET', url, headers: { ...bearer(credential), ...headers } });
const doc = async (t: { credential: string }) => (await get(s, '/portal/v2/home', t.credential)).json<HomeDocument>();

beforeAll(async () => {
  s = await startTestServer({ instanceId: 'S1' }, PROGRAMS);
  other = await startTestServer({ instanceId: 'S2' }, PROGRAMS);
  const user = await signUp(s.app, 'split@example.com');
  tv = await addTerminal(s.app, user, 'TV', 'stb');
  pc = await addTerminal(s.app, user, 'PC', 'pc');
  kidTv = await addTerminal(s.app, user, 'Kid TV', 'stb');
  const created = await s.app.inject({ method: 'POST', url: '/api/v1/profiles', headers: bearer(user), payload: { name: 'Kid', maturityLimit: 12 } });
  expect(created.statusCode, created.body).toBe(201);
  const kid = created.json<Profile>();
  const chose = await s.app.inject({ method: 'PUT', url: '/api/v1/terminals/current/profile', headers: bearer(kidTv.credential), payload: { profileId: kid.id } });
  expect(chose.statusCode).toBe(200);
  await postReports(s.app, [clusterReport(tv.id, 'thriller', 5 * 60_000, 1), clusterReport(pc.id, 'ocean', 10 * 60_000, 1)]);
  await postReports(s.app, [clusterReport(pc.id, 'thriller', 3 * 60_000, 2, { tracks: { audioLanguage: 'en', playbackRate: 1.5 } })], Date.now() - 60_000);
});
afterAll(async () => {
  await s.close();
  await other.close();
});

describe('home document', () => {
  it('carries the rows and the catalogue’s version, not the catalogue', async () => {
    const res = await get(s, '/portal/v2/home', tv.credential);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const d = res.json<HomeDocument>();
    expect(d).not.toHaveProperty('catalogue.programs');
    expect(d.continueWatching.map((c) => c.programId).sort()).toEqual(['ocean', 'thriller']);
    const page = (await get(s, '/portal/v1/catalogue', tv.credential)).json<CataloguePage>();
    expect(d.catalogue).toEqual({ version: page.version, total: page.programs.length });
    expect(d.terminals.map((t) => t.id).sort()).toEqual([pc.id, tv.id].sort());
    // Expanded over the catalogue: the old page exactly (progress order aside).
    const old = (await getHome(s.app, tv.credential)).json<HomePage>();
    expect(old.continueWatching.some((c) => c.others.length > 0)).toBe(true);
    const expanded = expandHome(d, page.programs);
    const byProgramme = (p: HomePage['progress']) => [...p].sort((a, b) => a.programId.localeCompare(b.programId));
    expect({ ...expanded, progress: byProgramme(expanded.progress) }).toEqual({ ...old, generatedAt: d.generatedAt, terminal: d.terminal, progress: byProgramme(old.progress) });
    expect(() => expandHome(d, page.programs.filter((p) => p.id !== 'thriller'))).toThrow(StaleCatalogueError);
  });
});

describe('catalogue', () => {
  it('is the schema serialisation, with a strong ETag and Cache-Control; 304 on revalidation', async () => {
    const res = await get(s, '/portal/v1/catalogue', tv.credential);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('private, no-cache');
    const etag = String(res.headers.etag);
    expect(etag).toMatch(/^"c1-[\w-]{22}\.0\.1000"$/);
    // Byte for byte what the schema gives (the body is assembled from cached JSON).
    const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    const parsed = res.json<CataloguePage>();
    app.get('/plain', { schema: { response: { 200: CataloguePage } } }, async () => parsed);
    expect((await app.inject({ url: '/plain' })).body).toBe(res.body);
    await app.close();

    const again = await get(s, '/portal/v1/catalogue', tv.credential, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect((await get(s, '/portal/v1/catalogue', tv.credential, { 'if-none-match': `"c1-x", W/${etag}` })).statusCode).toBe(304);
    expect((await get(s, '/portal/v1/catalogue', tv.credential, { 'if-none-match': '"c1-stale.0.1000"' })).statusCode).toBe(200);
  });

  it('is derived from content: another instance with the same catalogue gives the same version', async () => {
    const user = await signUp(other.app, 'elsewhere@example.com');
    const t = await addTerminal(other.app, user, 'TV', 'stb');
    const here = (await get(s, '/portal/v1/catalogue', tv.credential)).headers.etag;
    const there = await get(other, '/portal/v1/catalogue', t.credential, { 'if-none-match': String(here) });
    expect(there.statusCode).toBe(304);
  });

  it('is per terminal type and within the profile’s maturity limit, and its version says so', async () => {
    const ids = async (t: { credential: string }) => (await get(s, '/portal/v1/catalogue', t.credential)).json<CataloguePage>().programs.map((p) => p.id);
    expect(await ids(kidTv)).toEqual(['cartoon']);
    expect(await ids(tv)).toContain('thriller');
    expect(await ids(tv)).toContain('tv-only');
    expect(await ids(pc)).not.toContain('tv-only');
    const adult = String((await get(s, '/portal/v1/catalogue', tv.credential)).headers.etag);
    // The kid's terminal never gets a 304 for the unrestricted list (its cached copy would show the thriller).
    const kid = await get(s, '/portal/v1/catalogue', kidTv.credential, { 'if-none-match': adult });
    expect(kid.statusCode).toBe(200);
    expect(kid.json<CataloguePage>().programs.map((p) => p.id)).toEqual(['cartoon']);
    expect((await doc(kidTv)).catalogue.version).toBe(kid.json<CataloguePage>().version);
    expect((await doc(kidTv)).catalogue.version).not.toBe((await doc(tv)).catalogue.version);
  });

  it('pages: offset and limit, each page its own tag', async () => {
    const all = (await get(s, '/portal/v1/catalogue', tv.credential)).json<CataloguePage>();
    expect(all.programs.length).toBeGreaterThan(3);
    const pages: Program[] = [];
    const tags = new Set<string>();
    for (let offset = 0; offset < all.total; offset += 2) {
      const res = await get(s, `/portal/v1/catalogue?offset=${offset}&limit=2`, tv.credential);
      const page = res.json<CataloguePage>();
      expect(page).toMatchObject({ version: all.version, total: all.total, offset });
      pages.push(...page.programs);
      tags.add(String(res.headers.etag));
    }
    expect(pages).toEqual(all.programs);
    expect(tags.size).toBe(Math.ceil(all.total / 2));
    expect((await get(s, `/portal/v1/catalogue?offset=${all.total}`, tv.credential)).json<CataloguePage>().programs).toEqual([]);
  });

  it('a changed catalogue has a new version, in the home document and on the resource', async () => {
    const before = await doc(pc);
    const tag = String((await get(s, '/portal/v1/catalogue', pc.credential)).headers.etag);
    const added = await s.app.inject({
      method: 'PUT', url: '/admin/v1/programs', headers: bearer(ADMIN_TOKEN),
      payload: { programs: [{ ...(FIXTURE_PROGRAMS[0] as Program), id: 'fresh', title: 'Fresh' }] },
    });
    expect(added.statusCode, added.body).toBeLessThan(300);
    const after = await doc(pc);
    expect(after.catalogue.version).not.toBe(before.catalogue.version);
    expect(after.catalogue.total).toBe(before.catalogue.total + 1);
    const res = await get(s, '/portal/v1/catalogue', pc.credential, { 'if-none-match': tag });
    expect(res.statusCode).toBe(200);
    expect(res.json<CataloguePage>().programs.map((p) => p.id)).toContain('fresh');
  });

  it('is compressed when the client accepts it; the tag names the coding and still revalidates', async () => {
    const plain = await get(s, '/portal/v1/catalogue', tv.credential);
    const gz = await get(s, '/portal/v1/catalogue', tv.credential, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/accept-encoding/i);
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    expect(gz.headers.etag).toBe(`${String(plain.headers.etag).slice(0, -1)}-gzip"`);
    expect((await get(s, '/portal/v1/catalogue', tv.credential, { 'accept-encoding': 'gzip', 'if-none-match': String(gz.headers.etag) })).statusCode).toBe(304);
    expect(matchesIfNoneMatch(String(gz.headers.etag), String(plain.headers.etag))).toBe(true);
    const home = await get(s, '/portal/v2/home', tv.credential, { 'accept-encoding': 'br' });
    expect(home.headers['content-encoding']).toBe('br');
  });

  it('refuses bad input with a stable code', async () => {
    for (const q of ['limit=0', 'limit=1001', 'offset=-1', 'offset=x', 'page=2']) {
      const res = await get(s, `/portal/v1/catalogue?${q}`, tv.credential);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().code, q).toBe('VALIDATION_FAILED');
    }
    const anon = await s.app.inject({ url: '/portal/v1/catalogue' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json().code).toBe('UNAUTHENTICATED');
  });
});
