/**
 * A streaming cluster of two nodes behind a load balancer (same cluster id, same token key,
 * an outbox each): a session opened on node 1 carries on through node 2 when node 1 is gone
 * (heartbeat and stop accepted, the stop recorded at global); a stop node 1 acknowledged while
 * global was away is not lost when node 1 stops — its outbox is drained when it starts again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProgramsAnswer } from '../../common/protocol/api.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import { buildApp } from '../app.ts';
import { reusedCatalogue } from './routes-access.ts';
import { defaultConfig } from '../config.ts';
import { ADMIN_TOKEN, addTerminal, PLAY_TOKEN_SECRET, SERVICE, SERVICE_AUTH, signUp, startTestServer } from '../testing/harness.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function node(globalUrl: string, dir: string) {
  const config = defaultConfig({
    roles: ['streaming'], instanceId: 'S1', dataDir: dir, globalUrl, serviceCredentials: [SERVICE],
    playTokenSecret: PLAY_TOKEN_SECRET, logLevel: 'silent',
  });
  const { app } = await buildApp({ config, logger: false });
  await app.ready();
  return app;
}

describe('stateless streaming nodes', () => {
  it('lets node 2 take over a session of node 1, and drains node 1\'s outbox after its restart', async () => {
    const global = await startTestServer({ roles: ['global'] });
    cleanups.push(() => global.close());
    const globalUrl = await global.app.listen({ host: '127.0.0.1', port: 0 });
    const port = Number(new URL(globalUrl).port);
    const user = await signUp(global.app, 'nodes@example.com');
    const tv = await addTerminal(global.app, user, 'TV', 'stb');
    // Programmes whose media the node serves (the demo library), so play is admitted.
    const demo = (id: string) => ({ id, title: id, synopsis: '', durationMs: 600_000, kind: 'vod', terminalTypes: ['stb', 'mobile', 'pc'], artwork: `${id}/poster.jpg`, links: [{ dash: `${id}/manifest.mpd` }] });
    const put = await global.app.inject({ method: 'PUT', url: '/admin/v1/programs', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { programs: [demo('harbour-lights'), demo('tea-break')] } });
    expect(put.statusCode, put.body).toBeLessThan(300);
    const dirs = await Promise.all([1, 2].map((i) => mkdtemp(join(tmpdir(), `ra-node${i}-`))));
    cleanups.push(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
    const history = async () =>
      (await global.app.inject({ url: `/global/v1/programs?terminalId=${tv.id}`, headers: { authorization: SERVICE_AUTH } })).json<ProgramsAnswer>().history;

    // A plays through node 1 …
    let n1 = await node(globalUrl, dirs[0] as string);
    const played = await n1.inject({ method: 'POST', url: '/stream/v1/play', headers: { authorization: `Bearer ${tv.credential}` }, payload: { programId: 'harbour-lights' } });
    expect(played.statusCode, played.body).toBe(200);
    const p = played.json<PlayResponse>();
    const hb = await n1.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/heartbeat`, headers: { authorization: `Bearer ${p.playToken}` }, payload: { position: { kind: 'offset', offsetMs: 60_000 }, seq: 1 } });
    expect(hb.statusCode, hb.body).toBe(200);
    await n1.close(); // node 1 dies

    // … and carries on through node 2, which never saw the session.
    const n2 = await node(globalUrl, dirs[1] as string);
    cleanups.push(() => n2.close());
    const token = hb.json<{ playToken: string }>().playToken;
    const hb2 = await n2.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/heartbeat`, headers: { authorization: `Bearer ${token}` }, payload: { position: { kind: 'offset', offsetMs: 120_000 }, seq: 2 } });
    expect(hb2.statusCode, hb2.body).toBe(200);
    const stop = await n2.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/stop`, headers: { authorization: `Bearer ${hb2.json<{ playToken: string }>().playToken}` }, payload: { position: { kind: 'offset', offsetMs: 150_000 }, seq: 3 } });
    expect(stop.statusCode, stop.body).toBe(200);
    await n2.streaming!.reporter.flush();
    expect((await history()).map((r) => [r.programId, r.breakpoint, r.seq])).toEqual([['harbour-lights', { kind: 'offset', offsetMs: 150_000 }, 3]]);

    // Node 1 is back; a new viewing's stop is acknowledged while global is away, then node 1 stops.
    n1 = await node(globalUrl, dirs[0] as string);
    const q = (await n1.inject({ method: 'POST', url: '/stream/v1/play', headers: { authorization: `Bearer ${tv.credential}` }, payload: { programId: 'tea-break' } })).json<PlayResponse>();
    await global.app.close();
    const acked = await n1.inject({ method: 'POST', url: `/stream/v1/sessions/${q.sessionId}/stop`, headers: { authorization: `Bearer ${q.playToken}` }, payload: { position: { kind: 'offset', offsetMs: 240_000 }, seq: 1 } });
    expect(acked.statusCode, acked.body).toBe(200);
    expect(n1.streaming!.reporter.pending).toBe(1);
    await n1.close();

    // Global back on the same port and store; node 1 restarts and drains its outbox on its own.
    const again = await buildApp({ config: global.config, store: global.global.store, logger: false });
    cleanups.push(() => again.app.close());
    await again.app.listen({ host: '127.0.0.1', port });
    n1 = await node(globalUrl, dirs[0] as string);
    cleanups.push(() => n1.close());
    for (let i = 0; i < 100 && n1.streaming!.reporter.pending > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(n1.streaming!.reporter.pending).toBe(0);
    const after = (await again.app.inject({ url: `/global/v1/programs?terminalId=${tv.id}`, headers: { authorization: SERVICE_AUTH } })).json<ProgramsAnswer>().history;
    expect(after.find((r) => r.programId === 'tea-break')?.breakpoint).toEqual({ kind: 'offset', offsetMs: 240_000 });
  }, 30_000);

  it('takes over many sessions at once with one catalogue request to global, not one each', async () => {
    const global = await startTestServer({ roles: ['global'] });
    cleanups.push(() => global.close());
    const globalUrl = await global.app.listen({ host: '127.0.0.1', port: 0 });
    const user = await signUp(global.app, 'many@example.com');
    const tv = await addTerminal(global.app, user, 'TV', 'stb');
    const demo = { id: 'harbour-lights', title: 'Harbour Lights', synopsis: '', durationMs: 600_000, kind: 'vod', terminalTypes: ['stb', 'mobile', 'pc'], artwork: 'harbour-lights/poster.jpg', links: [{ dash: 'harbour-lights/manifest.mpd' }] };
    await global.app.inject({ method: 'PUT', url: '/admin/v1/programs', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { programs: [demo] } });
    const dirs = await Promise.all([1, 2].map((i) => mkdtemp(join(tmpdir(), `ra-many${i}-`))));
    cleanups.push(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
    const n1 = await node(globalUrl, dirs[0] as string);
    const plays: PlayResponse[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await n1.inject({ method: 'POST', url: '/stream/v1/play', headers: { authorization: `Bearer ${tv.credential}` }, payload: { programId: 'harbour-lights' } });
      expect(r.statusCode, r.body).toBe(200);
      plays.push(r.json<PlayResponse>());
    }
    await n1.close();
    const n2 = await node(globalUrl, dirs[1] as string);
    cleanups.push(() => n2.close());
    let catalogueRequests = 0;
    const count = (req: { url?: string }) => {
      if (req.url === '/global/v1/programs') catalogueRequests++;
    };
    global.app.server.on('request', count);
    const answers = await Promise.all(
      plays.map((p) => n2.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/heartbeat`, headers: { authorization: `Bearer ${p.playToken}` }, payload: { position: { kind: 'offset', offsetMs: 30_000 }, seq: 1 } })),
    );
    global.app.server.off('request', count);
    expect(answers.map((a) => a.statusCode)).toEqual(plays.map(() => 200));
    expect(n2.streaming!.sessions.openCount).toBe(12);
    // One for the twelve (a second at most, should the node's own catalogue refresh fall in between).
    expect(catalogueRequests).toBeGreaterThanOrEqual(1);
    expect(catalogueRequests).toBeLessThanOrEqual(2);
  }, 30_000);
});

describe('reusedCatalogue', () => {
  it('shares one request among callers, keeps the answer for its TTL, and never keeps a failure', async () => {
    let t = 0;
    let calls = 0;
    let fail = false;
    const client = {
      programs: async () => {
        calls++;
        if (fail) throw new Error('global unreachable');
        return { programs: [], history: [], hidden: [], terminal: null } as ProgramsAnswer;
      },
    };
    const get = reusedCatalogue(client, 5_000, () => t);
    await Promise.all([get(), get(), get()]);
    expect(calls).toBe(1);
    t = 4_999;
    await get();
    expect(calls).toBe(1);
    t = 5_000;
    fail = true;
    await expect(get()).rejects.toThrow('unreachable');
    fail = false;
    await get();
    expect(calls).toBe(3);
  });
});
