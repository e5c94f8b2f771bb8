/**
 * A global outage during a stop: the cluster acknowledges the stop (the report is stored in
 * its outbox), keeps retrying while global is down, and once global is back the report is
 * applied exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProgramsAnswer } from '../../common/protocol/api.ts';
import type { PlayResponse } from '../../common/protocol/stream.ts';
import { buildApp } from '../app.ts';
import { defaultConfig } from '../config.ts';
import type { ApplyReportInput } from '../store/types.ts';
import { addTerminal, PLAY_TOKEN_SECRET, SERVICE, SERVICE_AUTH, signUp, startTestServer, type TestServer } from '../testing/harness.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Global on its own port, a streaming cluster S1 reporting to it over HTTP, and a TV playing on S1. */
async function setUp() {
  const global: TestServer = await startTestServer({ roles: ['global'] });
  cleanups.push(() => global.close());
  const globalUrl = await global.app.listen({ host: '127.0.0.1', port: 0 });
  const port = Number(new URL(globalUrl).port);
  const user = await signUp(global.app, 'outage@example.com');
  const tv = await addTerminal(global.app, user, 'TV', 'stb');
  await global.app.inject({ method: 'PUT', url: '/admin/v1/programs', headers: { authorization: 'Bearer raa_test-admin-token-0123456789abcdef' }, payload: { programs: [
    { id: 'harbour-lights', title: 'Harbour Lights', synopsis: '', durationMs: 600_000, kind: 'vod', terminalTypes: ['stb', 'mobile', 'pc'], artwork: 'harbour-lights/poster.jpg', links: [{ dash: 'harbour-lights/manifest.mpd' }] },
  ] } });

  const dir = await mkdtemp(join(tmpdir(), 'ra-s1-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const config = defaultConfig({
    roles: ['streaming'],
    instanceId: 'S1',
    dataDir: dir,
    globalUrl,
    serviceCredentials: [SERVICE],
    playTokenSecret: PLAY_TOKEN_SECRET,
    logLevel: 'silent',
  });
  const { app: s1 } = await buildApp({ config, logger: false });
  cleanups.push(() => s1.close());
  await s1.ready();

  const p = (
    await s1.inject({ method: 'POST', url: '/stream/v1/play', headers: { authorization: `Bearer ${tv.credential}` }, payload: { programId: 'harbour-lights' } })
  ).json<PlayResponse>();
  expect(p.sessionId).toBeDefined();

  return { global, port, tv, s1, p };
}

describe('global outage during a stop', () => {
  it('delays the report but loses none, and applies it exactly once', async () => {
    const { global, port, tv, s1, p } = await setUp();

    // Global goes down (its store stays on disk).
    await global.app.close();
    const res = await s1.inject({
      method: 'POST',
      url: `/stream/v1/sessions/${p.sessionId}/stop`,
      headers: { authorization: `Bearer ${p.playToken}` },
      payload: { position: { kind: 'offset', offsetMs: 321_000 }, seq: 7 },
    });
    expect(res.statusCode, res.body).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500)); // a few failed attempts
    expect(s1.streaming!.reporter.pending).toBe(1);

    // Global comes back on the same port over the same database; count what it applies.
    const applied: string[] = [];
    const store = global.global.store;
    const original = store.applyReports.bind(store);
    store.applyReports = async (inputs: readonly ApplyReportInput[]) => {
      const results = await original(inputs);
      results.forEach((r, i) => r.outcome === 'applied' && applied.push(inputs[i]!.reportId));
      return results;
    };
    const again = await buildApp({ config: global.config, store, logger: false });
    cleanups.push(() => again.app.close());
    await again.app.listen({ host: '127.0.0.1', port });
    await s1.streaming!.reporter.flush();
    for (let i = 0; i < 100 && (s1.streaming!.reporter.pending ?? 1) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(s1.streaming!.reporter.pending).toBe(0);
    expect(applied).toEqual([`${p.sessionId}.7`]);
    const history = (await again.app.inject({ url: `/global/v1/programs?terminalId=${tv.id}`, headers: { authorization: SERVICE_AUTH } })).json<ProgramsAnswer>().history;
    expect(history.map((r) => [r.programId, r.breakpoint, r.seq])).toEqual([['harbour-lights', { kind: 'offset', offsetMs: 321_000 }, 7]]);
  }, 30_000);
  it('a stop is answered once global has its report: a read right after it finds the stop', async () => {
    const { global, tv, s1, p } = await setUp();
    const stop = (seq: number, offsetMs: number) =>
      s1.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/stop`, headers: { authorization: `Bearer ${p.playToken}` }, payload: { position: { kind: 'offset', offsetMs }, seq } });
    expect((await stop(3, 200_000)).statusCode).toBe(200);
    // No flush, no wait: the terminal that stopped (or any other) reads the stop at once.
    const history = (await global.app.inject({ url: `/global/v1/programs?terminalId=${tv.id}`, headers: { authorization: SERVICE_AUTH } })).json<ProgramsAnswer>().history;
    expect(history.map((r) => [r.breakpoint, r.seq])).toEqual([[{ kind: 'offset', offsetMs: 200_000 }, 3]]);
    expect(s1.streaming!.reporter.pending).toBe(0);
  }, 30_000);

  it('a global that does not answer delays a stop’s answer only boundedly; the report stays queued and arrives later', async () => {
    const { global, tv, s1, p } = await setUp();
    const store = global.global.store;
    const original = store.applyReports.bind(store);
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    store.applyReports = async (inputs: readonly ApplyReportInput[]) => {
      await gate;
      return original(inputs);
    };
    const res = await s1.inject({ method: 'POST', url: `/stream/v1/sessions/${p.sessionId}/stop`, headers: { authorization: `Bearer ${p.playToken}` }, payload: { position: { kind: 'offset', offsetMs: 250_000 }, seq: 4 } });
    // Answered while global still holds the report unanswered.
    expect(res.statusCode, res.body).toBe(200);
    expect(s1.streaming!.reporter.pending).toBe(1);
    release();
    await s1.streaming!.reporter.flush();
    for (let i = 0; i < 100 && s1.streaming!.reporter.pending > 0; i++) await new Promise((r) => setTimeout(r, 50));
    const history = (await global.app.inject({ url: `/global/v1/programs?terminalId=${tv.id}`, headers: { authorization: SERVICE_AUTH } })).json<ProgramsAnswer>().history;
    expect(history.map((r) => r.seq)).toEqual([4]);
  }, 30_000);
});
