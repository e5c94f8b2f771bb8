/**
 * A programme rated 18 and a profile limited to 16, with the household's history shared (the
 * widest view): the restricted profile never meets the programme — not in its home page's
 * catalogue, row or progress (not even its id in the bytes), not in "now playing" (list or
 * push), not in pushed history — while a programme within the limit watched by the parent does
 * reach it. A direct play is refused with PROGRAM_RESTRICTED, also on the parent's token, and
 * a token for another programme opens none of its media. With history not shared, nothing of
 * the parent's reaches the restricted profile at all. (profiles-split.test.ts: the same at a
 * portal and a cluster of their own.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HomePage } from '../../common/protocol/api.ts';
import type { Program } from '../../common/protocol/model.ts';
import type { PresenceList } from '../../common/protocol/presence.ts';
import type { Profile } from '../../common/protocol/profiles.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import { addTerminal, clusterReport, getHome, postReports, signUp, startTestServer, type TestServer } from '../testing/harness.ts';
import { openEventStream } from '../testing/sse-client.ts';

const rated = (id: string, ageRating: number): Program => ({
  id, title: id, synopsis: '', durationMs: 20 * 60_000, kind: 'vod', terminalTypes: ['stb', 'mobile', 'pc'],
  artwork: `${id}/poster.jpg`, links: [{ dash: 'harbour-lights/manifest.mpd' }], ageRating,
});
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

let s: TestServer;
let user: string;
let tv: { id: string; credential: string };
let pc: { id: string; credential: string };
let teen: Profile;
const inject = (method: 'GET' | 'POST' | 'PUT', url: string, credential: string, payload?: object) => s.app.inject({ method, url, headers: bearer(credential), ...(payload ? { payload } : {}) });
const play = (credential: string, body: object) => s.app.inject({ method: 'POST', url: '/stream/v1/play', headers: bearer(credential), payload: body });

beforeEach(async () => {
  s = await startTestServer({}, [rated('film-18', 18), rated('drama-16', 16), rated('kids-0', 0)]);
  user = await signUp(s.app, 'house@example.com');
  tv = await addTerminal(s.app, user, 'Teen TV', 'stb');
  pc = await addTerminal(s.app, user, 'Parent PC', 'pc');
  teen = (await inject('POST', '/api/v1/profiles', user, { name: 'Teen', maturityLimit: 16 })).json<Profile>();
  expect((await inject('PUT', '/api/v1/terminals/current/profile', tv.credential, { profileId: teen.id })).statusCode).toBe(200);
});
afterEach(async () => {
  await s.close();
});

describe('a programme above a profile’s limit', () => {
  it('never reaches the restricted profile, even with shared history', async () => {
    expect((await inject('PUT', '/api/v1/account/settings', user, { sharedHistory: true })).statusCode).toBe(200);
    const base = await s.app.listen({ host: '127.0.0.1', port: 0 });
    const teenEvents = await openEventStream(base, tv.credential);
    const parentEvents = await openEventStream(base, pc.credential);
    try {
      // The parent watches film-18 (an open session: "now playing"), then stops it.
      const parentPlay = await play(pc.credential, { programId: 'film-18' });
      expect(parentPlay.statusCode, parentPlay.body).toBe(200);
      const session = parentPlay.json<PlayResponse>();
      await parentEvents.next((e) => e.type === 'presence' && e.session.programId === 'film-18');
      const presenceOf = async (credential: string) => (await inject('GET', '/api/v1/presence', credential)).json<PresenceList>().sessions.map((x) => x.programId);
      expect(await presenceOf(pc.credential)).toEqual(['film-18']);
      expect(await presenceOf(tv.credential)).toEqual([]);

      // A direct play is refused, on the teen's own credential and on the parent's token.
      for (const body of [{ programId: 'film-18' }]) {
        const refused = await play(tv.credential, body);
        expect(refused.statusCode).toBe(403);
        expect(refused.json().code).toBe('PROGRAM_RESTRICTED');
      }
      const byToken = await s.app.inject({ method: 'POST', url: '/stream/v1/play', payload: { programId: 'film-18', playToken: session.playToken, terminalId: tv.id } });
      expect(byToken.json().code).toBe('PROGRAM_RESTRICTED');

      await s.app.inject({ method: 'POST', url: `/stream/v1/sessions/${session.sessionId}/stop`, headers: bearer(session.playToken), payload: { position: { kind: 'offset', offsetMs: 300_000 }, seq: 1 } });
      await s.app.streaming?.reporter.flush();
      await parentEvents.next((e) => e.type === 'history' && e.record.programId === 'film-18');
      // Then drama-16 (within the limit): shared history brings it to the teen — after film-18
      // on the bus, so had film-18 been pushed to the teen it would have come first.
      expect((await postReports(s.app, [clusterReport(pc.id, 'drama-16', 300_000, 2)])).statusCode).toBe(200);
      await teenEvents.next((e) => e.type === 'history' && e.record.programId === 'drama-16');
      expect(teenEvents.events.some((e) => JSON.stringify(e.event).includes('film-18'))).toBe(false);

      // The teen's home page: not in the catalogue, the row or the progress — not even its id.
      const home = await getHome(s.app, tv.credential);
      const page = home.json<HomePage>();
      expect(page.catalogue.map((p) => p.id)).not.toContain('film-18');
      expect(page.continueWatching.map((c) => c.program.id)).toEqual(['drama-16']);
      expect(home.body).not.toContain('film-18');
      // The parent's page has both.
      expect((await getHome(s.app, pc.credential)).json<HomePage>().continueWatching.map((c) => c.program.id).sort()).toEqual(['drama-16', 'film-18']);

      // A token the teen holds for another programme opens none of film-18's media.
      const own = (await play(tv.credential, { programId: 'kids-0' })).json<PlayResponse>();
      const media = await s.app.inject({ url: '/media/film-18/manifest.mpd', headers: bearer(own.playToken) });
      expect([401, 403]).toContain(media.statusCode);
    } finally {
      teenEvents.close();
      parentEvents.close();
    }
  });

  it('without shared history nothing of the parent’s reaches the restricted profile', async () => {
    expect((await postReports(s.app, [clusterReport(pc.id, 'drama-16', 300_000, 1), clusterReport(pc.id, 'film-18', 300_000, 2)])).statusCode).toBe(200);
    const home = await getHome(s.app, tv.credential);
    expect(home.json<HomePage>().continueWatching).toEqual([]);
    expect(home.body).not.toContain('film-18');
    expect(home.body).not.toContain('Parent PC');
    expect((await getHome(s.app, tv.credential)).json<HomePage>().catalogue.map((p) => p.id)).toEqual(expect.arrayContaining(['drama-16', 'kids-0']));
  });
});
