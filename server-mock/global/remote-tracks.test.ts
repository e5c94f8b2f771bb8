/**
 * Audio and subtitles by remote (issue 15): `status`, `set-audio` and `set-subtitles` over real
 * HTTP and real push streams — the command reaches the session's terminal with its language,
 * the target's `done` answer carries its tracks back to the sender, a missing track is refused
 * `unsupported`, and malformed commands or answers are 400 VALIDATION_FAILED with nothing pushed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../common/protocol/api.ts';
import type { RemoteCommandEvent } from '../../common/protocol/remote.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import { DEMO_CATALOG_URL, readCatalogFile } from '../demo/seed.ts';
import { addTerminal, signUp, startTestServer, type TestServer } from '../testing/harness.ts';
import { openEventStream, type EventStream } from '../testing/sse-client.ts';

let s: TestServer;
let base: string;
let tv: { id: string; credential: string };
let phone: { id: string; credential: string };
const streams: EventStream[] = [];
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const tracks = { audio: ['en', 'fr'], subtitles: ['en', 'zh-Hans'], audioLanguage: 'fr', subtitleLanguage: null };

beforeEach(async () => {
  s = await startTestServer({ sessionTimeoutSec: 30, heartbeatIntervalSec: 1, reportIntervalSec: 3600, instanceId: 'S1' }, await readCatalogFile(DEMO_CATALOG_URL));
  base = await s.app.listen({ host: '127.0.0.1', port: 0 });
  const user = await signUp(s.app, 'remote-tracks@example.com');
  tv = await addTerminal(s.app, user, 'Living-room TV', 'stb');
  phone = await addTerminal(s.app, user, 'Phone', 'mobile');
});
afterEach(async () => {
  for (const st of streams.splice(0)) st.close();
  await s.close();
});

const post = (url: string, credential: string, payload: unknown) => s.app.inject({ method: 'POST', url, headers: bearer(credential), payload: payload as object });
const isRemote = (e: PushEvent): e is RemoteCommandEvent => e.type === 'remote';

async function tvPlaying(): Promise<PlayResponse> {
  const res = await post('/stream/v1/play', tv.credential, { programId: 'harbour-lights', breakpoint: { kind: 'offset', offsetMs: 60_000 } });
  expect(res.statusCode, res.body).toBe(200);
  await s.app.streaming?.presence.idle();
  return res.json<PlayResponse>();
}

/** Send `body` from the phone and answer it on the TV with `reply`; both responses. */
async function roundTrip(tvEvents: EventStream, body: Record<string, unknown>, reply: Record<string, unknown>) {
  const seen = tvEvents.events.filter((x) => isRemote(x.event)).length;
  const sent = post('/api/v1/remote/commands', phone.credential, body);
  await tvEvents.next(() => tvEvents.events.filter((x) => isRemote(x.event)).length > seen);
  const ev = tvEvents.events.filter((x) => isRemote(x.event))[seen]!.event as RemoteCommandEvent;
  const answered = await post('/api/v1/remote/answers', tv.credential, { commandId: ev.commandId, ...reply });
  return { ev, answered, res: await sent };
}

describe('remote audio and subtitles', () => {
  it('status, set-audio and set-subtitles reach the TV with their language; its answer carries its tracks; a missing track is unsupported', async () => {
    const tvEvents = await openEventStream(base, tv.credential);
    streams.push(tvEvents);
    const p = await tvPlaying();

    const status = await roundTrip(tvEvents, { sessionId: p.sessionId, command: 'status' }, { ok: true, tracks });
    expect(status.ev).toMatchObject({ command: 'status', sessionId: p.sessionId });
    expect(status.ev).not.toHaveProperty('language');
    expect([status.res.statusCode, status.res.json().tracks]).toEqual([200, tracks]);

    const audio = await roundTrip(tvEvents, { sessionId: p.sessionId, command: 'set-audio', language: 'en' }, { ok: true, tracks: { ...tracks, audioLanguage: 'en' } });
    expect(audio.ev).toMatchObject({ command: 'set-audio', language: 'en' });
    expect(audio.res.json().tracks.audioLanguage).toBe('en');

    const off = await roundTrip(tvEvents, { sessionId: p.sessionId, command: 'set-subtitles', language: null }, { ok: true });
    expect(off.ev).toMatchObject({ command: 'set-subtitles', language: null });
    // An answer without tracks gives none.
    expect(off.res.statusCode).toBe(200);
    expect(off.res.json()).not.toHaveProperty('tracks');

    const missing = await roundTrip(tvEvents, { sessionId: p.sessionId, command: 'set-subtitles', language: 'de' }, { ok: false, reason: 'unsupported' });
    expect([missing.res.statusCode, missing.res.json().code, missing.res.json().details?.reason]).toEqual([409, 'REMOTE_REFUSED', 'unsupported']);
  });

  it('malformed track commands and answers are 400 VALIDATION_FAILED and push nothing', async () => {
    const tvEvents = await openEventStream(base, tv.credential);
    streams.push(tvEvents);
    const p = await tvPlaying();
    const sessionId = p.sessionId;
    for (const bad of [
      { sessionId, command: 'set-audio' },
      { sessionId, command: 'set-audio', language: null },
      { sessionId, command: 'set-audio', language: 'not a language' },
      { sessionId, command: 'set-audio', language: 'en', extra: true },
      { sessionId, command: 'set-subtitles' },
      { sessionId, command: 'set-subtitles', language: 7 },
      { sessionId, command: 'status', language: 'en' },
      { sessionId, command: 'set-track', language: 'en' },
    ]) {
      const res = await post('/api/v1/remote/commands', phone.credential, bad);
      expect([res.statusCode, res.json().code], JSON.stringify(bad)).toEqual([400, 'VALIDATION_FAILED']);
    }
    for (const bad of [
      { commandId: 'cmd-00000001', ok: true, tracks: { audio: ['en'] } },
      { commandId: 'cmd-00000001', ok: true, tracks: { ...tracks, audio: ['no way'] } },
      { commandId: 'cmd-00000001', ok: true, tracks: { ...tracks, audio: Array.from({ length: 33 }, () => 'en') } },
      { commandId: 'cmd-00000001', ok: true, tracks: { ...tracks, extra: 1 } },
      { commandId: 'cmd-00000001', ok: false, reason: 'unsupported', tracks },
    ]) {
      const res = await post('/api/v1/remote/answers', tv.credential, bad);
      expect([res.statusCode, res.json().code], JSON.stringify(bad)).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect(tvEvents.events.filter((x) => isRemote(x.event))).toEqual([]);
  });
});
