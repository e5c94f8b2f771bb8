/**
 * Now playing in the split topology: a streaming cluster (S1) with no global role reports its
 * sessions to global over HTTP with its service credential; the household's other terminal,
 * connected to global's push, sees the session appear, move and end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgramsAnswer } from '../common/protocol/api.ts';
import type { PresenceList } from '../common/protocol/presence.ts';
import type { PlayResponse } from '../common/protocol/stream.ts';
import { buildApp } from './app.ts';
import { defaultConfig } from './config.ts';
import { DEMO_CATALOG_URL, readCatalogFile } from './demo/seed.ts';
import { addTerminal, PLAY_TOKEN_SECRET, SERVICE, SERVICE_AUTH, signUp, startTestServer, type TestServer } from './testing/harness.ts';
import { openEventStream } from './testing/sse-client.ts';

let global: TestServer;
let globalUrl: string;
let dir: string;
let s1: Awaited<ReturnType<typeof buildApp>>['app'];
beforeAll(async () => {
  global = await startTestServer({}, await readCatalogFile(DEMO_CATALOG_URL));
  globalUrl = await global.app.listen({ host: '127.0.0.1', port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'ra-presence-split-'));
  const config = defaultConfig({ roles: ['streaming'], instanceId: 'S1', globalUrl, serviceCredentials: [SERVICE], playTokenSecret: PLAY_TOKEN_SECRET, dataDir: dir, logLevel: 'silent' });
  s1 = (await buildApp({ config, logger: false })).app;
  await s1.ready();
});
afterAll(async () => {
  await s1.close();
  await global.close();
  await rm(dir, { recursive: true, force: true });
});

describe('now playing with the cluster in its own process space', () => {
  it('S1 reports open, heartbeat and stop to global; the phone sees each', async () => {
    const user = await signUp(global.app, 'split-presence@example.com');
    const tv = await addTerminal(global.app, user, 'Living-room TV', 'stb');
    const phone = await addTerminal(global.app, user, 'Phone', 'mobile');
    const events = await openEventStream(globalUrl, phone.credential);
    try {
      const started = performance.now();
      const res = await s1.inject({ method: 'POST', url: '/stream/v1/play', headers: { authorization: `Bearer ${tv.credential}` }, payload: { programId: 'harbour-lights', breakpoint: { kind: 'offset', offsetMs: 90_000 } } });
      expect(res.statusCode, res.body).toBe(200);
      const p = res.json<PlayResponse>();
      const opened = await events.next((e) => e.type === 'presence');
      expect(opened.at - started).toBeLessThan(1_000);
      expect(opened.event).toMatchObject({ session: { sessionId: p.sessionId, terminalName: 'Living-room TV', position: { kind: 'offset', offsetMs: 90_000 } } });
      await s1.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/heartbeat`, headers: { authorization: `Bearer ${p.playToken}` }, payload: { position: { kind: 'offset', offsetMs: 95_000 }, seq: 1 } });
      await events.next((e) => e.type === 'presence' && e.session.position.kind === 'offset' && e.session.position.offsetMs === 95_000);
      const list = (await global.app.inject({ url: '/api/v1/presence', headers: { authorization: `Bearer ${phone.credential}` } })).json<PresenceList>();
      expect(list.sessions.map((x) => x.sessionId)).toEqual([p.sessionId]);
      await s1.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/stop`, headers: { authorization: `Bearer ${p.playToken}` }, payload: { position: { kind: 'offset', offsetMs: 96_000 }, seq: 2 } });
      await events.next((e) => e.type === 'presence-ended' && e.sessionId === p.sessionId);
      // Let S1's durable stop report land before the test closes S1 (its outbox closes with it).
      for (let i = 0; i < 100; i++) {
        const h = (await global.app.inject({ url: `/global/v1/programs?terminalId=${tv.id}`, headers: { authorization: SERVICE_AUTH } })).json<ProgramsAnswer>().history;
        if (h.some((r) => r.breakpoint.kind === 'offset' && r.breakpoint.offsetMs === 96_000) && s1.streaming?.reporter.pending === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      events.close();
    }
  });
});
