/**
 * Profiles across roles over HTTP: a portal (P2) and a streaming cluster (S1) with no global
 * role of their own. The portal's home page and the access server both apply the profile's
 * maturity limit (global filtered the catalogue; S1 refuses a direct play with a stable code),
 * and S1's report lands in the profile that watched.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HomePage, ProgramsAnswer } from '../common/protocol/api.ts';
import type { Program } from '../common/protocol/model.ts';
import type { Profile } from '../common/protocol/profiles.ts';
import type { PlayResponse } from '../common/protocol/stream.ts';
import { buildApp } from './app.ts';
import { defaultConfig } from './config.ts';
import { DEMO_CATALOG_URL, readCatalogFile } from './demo/seed.ts';
import { addTerminal, PLAY_TOKEN_SECRET, SERVICE, SERVICE_AUTH, signUp, startTestServer, type TestServer } from './testing/harness.ts';

/** A programme rated 18 (its media borrowed from a demo programme). */
const FILM_18: Program = {
  id: 'film-18', title: 'Night Film', synopsis: '', durationMs: 20 * 60_000, kind: 'vod', terminalTypes: ['stb', 'mobile', 'pc'],
  artwork: 'harbour-lights/poster.jpg', links: [{ dash: 'harbour-lights/manifest.mpd' }], ageRating: 18,
};

let global: TestServer;
let dir: string;
const apps: { close(): Promise<unknown> }[] = [];
let p2: Awaited<ReturnType<typeof buildApp>>['app'];
let s1: Awaited<ReturnType<typeof buildApp>>['app'];
beforeAll(async () => {
  global = await startTestServer({}, [...(await readCatalogFile(DEMO_CATALOG_URL)), FILM_18]);
  const globalUrl = await global.app.listen({ host: '127.0.0.1', port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'ra-profiles-split-'));
  const role = async (roles: ['portal'] | ['streaming'], instanceId: string) => {
    const config = defaultConfig({ roles, instanceId, globalUrl, serviceCredentials: [SERVICE], playTokenSecret: PLAY_TOKEN_SECRET, dataDir: dir, logLevel: 'silent' });
    const { app } = await buildApp({ config, logger: false });
    await app.ready();
    apps.push(app);
    return app;
  };
  p2 = await role(['portal'], 'P2');
  s1 = await role(['streaming'], 'S1');
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await global.close();
  await rm(dir, { recursive: true, force: true });
});

describe('profiles with portal and cluster in their own process space', () => {
  it('maturity limit at P2 and S1; the report lands in the profile that watched', async () => {
    const user = await signUp(global.app, 'split-family@example.com');
    const tv = await addTerminal(global.app, user, 'TV', 'stb');
    const pc = await addTerminal(global.app, user, 'PC', 'pc');
    const kid = (await global.app.inject({ method: 'POST', url: '/api/v1/profiles', headers: { authorization: `Bearer ${user}` }, payload: { name: 'Kid', maturityLimit: 6 } })).json<Profile>();
    await global.app.inject({ method: 'PUT', url: '/api/v1/terminals/current/profile', headers: { authorization: `Bearer ${tv.credential}` }, payload: { profileId: kid.id } });

    const home = (await p2.inject({ url: '/portal/v1/home', headers: { authorization: `Bearer ${tv.credential}` } })).json<HomePage>();
    expect(home.profile?.id).toBe(kid.id);
    // Rated 0, 6 and 12 in the demo catalogue; fireside-concert is unrated.
    expect(home.catalogue.map((p) => p.id).sort()).toEqual(['harbour-lights', 'tea-break']);

    const play = (programId: string) => s1.inject({ method: 'POST', url: '/stream/v1/play', headers: { authorization: `Bearer ${tv.credential}` }, payload: { programId } });
    for (const restricted of ['fireside-concert', 'live-news']) {
      const res = await play(restricted);
      expect(res.statusCode, restricted).toBe(403);
      expect(res.json().code).toBe('PROGRAM_RESTRICTED');
    }
    const ok = await play('harbour-lights');
    expect(ok.statusCode, ok.body).toBe(200);
    const p = ok.json<PlayResponse>();
    await s1.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/stop`, headers: { authorization: `Bearer ${p.playToken}` }, payload: { position: { kind: 'offset', offsetMs: 200_000 }, seq: 3 } });
    await s1.streaming?.reporter.flush();
    const historyOf = async (terminalId: string) =>
      (await global.app.inject({ url: `/global/v1/programs?terminalId=${terminalId}`, headers: { authorization: SERVICE_AUTH } })).json<ProgramsAnswer>().history;
    for (let i = 0; i < 50 && (await historyOf(tv.id)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await historyOf(tv.id)).map((r) => [r.programId, r.profileId, r.breakpoint])).toEqual([['harbour-lights', kid.id, { kind: 'offset', offsetMs: 200_000 }]]);
    expect(await historyOf(pc.id)).toEqual([]); // the parent's profile has none of it
  });

  it('rated 18 under a limit of 16: P2 never shows it (shared history too), S1 refuses it on any token', async () => {
    const user = await signUp(global.app, 'split-teen@example.com');
    const tv = await addTerminal(global.app, user, 'Teen TV', 'stb');
    const pc = await addTerminal(global.app, user, 'Parent PC', 'pc');
    const auth = (c: string) => ({ authorization: `Bearer ${c}` });
    const teen = (await global.app.inject({ method: 'POST', url: '/api/v1/profiles', headers: auth(user), payload: { name: 'Teen', maturityLimit: 16 } })).json<Profile>();
    await global.app.inject({ method: 'PUT', url: '/api/v1/terminals/current/profile', headers: auth(tv.credential), payload: { profileId: teen.id } });
    await global.app.inject({ method: 'PUT', url: '/api/v1/account/settings', headers: auth(user), payload: { sharedHistory: true } });

    // The parent watches it through S1; the report reaches global.
    const parent = (await s1.inject({ method: 'POST', url: '/stream/v1/play', headers: auth(pc.credential), payload: { programId: 'film-18' } })).json<PlayResponse>();
    await s1.inject({ method: 'POST', url: `/stream/v1/sessions/${parent.sessionId}/stop`, headers: auth(parent.playToken), payload: { position: { kind: 'offset', offsetMs: 300_000 }, seq: 1 } });
    await s1.streaming?.reporter.flush();
    const parentRow = async () => (await p2.inject({ url: '/portal/v1/home', headers: auth(pc.credential) })).json<HomePage>().continueWatching.map((c) => c.program.id);
    for (let i = 0; i < 50 && !(await parentRow()).includes('film-18'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await parentRow()).toEqual(['film-18']);

    const teenHome = await p2.inject({ url: '/portal/v1/home', headers: auth(tv.credential) });
    expect(teenHome.statusCode).toBe(200);
    expect(teenHome.body).not.toContain('film-18');
    for (const headers of [auth(tv.credential), {}]) {
      const body = 'authorization' in headers ? { programId: 'film-18' } : { programId: 'film-18', playToken: parent.playToken, terminalId: tv.id };
      const refused = await s1.inject({ method: 'POST', url: '/stream/v1/play', headers, payload: body });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('PROGRAM_RESTRICTED');
    }
  });
});
