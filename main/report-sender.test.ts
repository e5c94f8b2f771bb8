import { describe, expect, it } from 'vitest';
import type { SyncRequest, TerminalReport } from '../common/protocol/api.ts';
import { LocalState } from './local-state.ts';
import { memoryLogger } from './log.ts';
import { flushStoredOutbox, outcomeOf, reportSender, type FetchLike } from './report-sender.ts';
import { fakeSafeStorage, memoryStore } from './testing/fakes.ts';

const identity = {
  serverUrl: 'http://192.168.1.5:8750/',
  terminalId: 'term_0123456789',
  terminalName: 'PC',
  terminalType: 'pc' as const,
  credential: 'rat_secret_value_123',
  login: 'demo@resume.local',
};

const report = (seq: number): TerminalReport => ({
  reportId: `pc-report-${seq}`.padEnd(12, '0'),
  programId: 'harbour-lights',
  breakpoint: { kind: 'offset', offsetMs: seq * 1000 },
  seq,
  event: 'stop',
  observedAt: 1_760_000_000_000,
});

const json = (body: unknown) => async () => body;

describe('outcomeOf', () => {
  it('maps answers to outbox outcomes', async () => {
    expect(await outcomeOf(200, json({}), 3)).toEqual({ kind: 'ok' });
    expect(await outcomeOf(400, json({ code: 'VALIDATION_FAILED', message: 'x', details: { rejected: [{ index: 1, reportId: 'r', code: 'INVALID_POSITION', message: 'm' }] } }), 3)).toMatchObject({
      kind: 'rejected',
      indexes: [1],
    });
    // Refused whole, naming none: split (common/outbox.ts), so only a report refused on its own is dropped.
    expect(await outcomeOf(400, json({ code: 'VALIDATION_FAILED', message: 'x' }), 3)).toMatchObject({ kind: 'split' });
    expect(await outcomeOf(413, async () => Promise.reject(new Error('not json')), 3)).toMatchObject({ kind: 'split' });
    for (const status of [401, 404, 429, 500, 503]) expect(await outcomeOf(status, json({}), 3)).toMatchObject({ kind: 'retry' });
  });
});

describe('reportSender', () => {
  it('posts a SyncRequest with the terminal credential', async () => {
    const seen: { url: string; body: SyncRequest; auth: string }[] = [];
    const fetch: FetchLike = async (url, init) => {
      seen.push({ url, body: JSON.parse(init.body) as SyncRequest, auth: init.headers.authorization as string });
      return { status: 200, json: async () => ({}) };
    };
    const send = reportSender(identity, fetch, () => 1_760_000_100_000, 1000);
    expect(await send([report(1), report(2)])).toEqual({ kind: 'ok' });
    expect(seen).toEqual([{ url: 'http://192.168.1.5:8750/api/v1/history/sync', auth: 'Bearer rat_secret_value_123', body: { sentAt: 1_760_000_100_000, reports: [report(1), report(2)] } }]);
  });

  it('drops entries that are not reports without sending', async () => {
    let calls = 0;
    const send = reportSender(identity, async () => (calls++, { status: 200, json: async () => ({}) }), Date.now, 1000);
    expect(await send([report(1), { junk: true }])).toMatchObject({ kind: 'rejected', indexes: [1] });
    expect(calls).toBe(0);
  });

  it('retries on a network error', async () => {
    const send = reportSender(identity, async () => Promise.reject(new TypeError('fetch failed')), Date.now, 1000);
    expect(await send([report(1)])).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/network/) });
  });
});

describe('flushStoredOutbox', () => {
  function state() {
    return new LocalState(memoryStore(), fakeSafeStorage(), memoryLogger());
  }

  it('sends nothing and keeps everything before the PC is linked', async () => {
    const s = state();
    s.outboxAppend('reports', { seq: 1, item: report(1) });
    const r = await flushStoredOutbox({ state: s, fetch: async () => Promise.reject(new Error('must not be called')), log: memoryLogger() });
    expect(r).toEqual({ sent: 0, dropped: 0, pending: 1, stopped: 'no terminal identity yet' });
  });

  it('sends in order, drops refused and junk entries, keeps the rest on failure', async () => {
    const s = state();
    s.saveIdentity(identity);
    for (let i = 1; i <= 3; i++) s.outboxAppend('reports', { seq: i, item: report(i) });
    s.outboxAppend('reports', { seq: 4, item: 'junk' });
    const bodies: SyncRequest[] = [];
    const ok = await flushStoredOutbox({
      state: s,
      log: memoryLogger(),
      fetch: async (_url, init) => {
        bodies.push(JSON.parse(init.body) as SyncRequest);
        return { status: 200, json: async () => ({}) };
      },
    });
    expect(ok).toMatchObject({ sent: 3, dropped: 1, pending: 0, stopped: null });
    expect(bodies[0]?.reports.map((r) => r.seq)).toEqual([1, 2, 3]);

    s.outboxAppend('reports', { seq: 5, item: report(5) });
    const down = await flushStoredOutbox({ state: s, log: memoryLogger(), fetch: async () => ({ status: 503, json: async () => ({}) }) });
    expect(down).toMatchObject({ sent: 0, pending: 1, stopped: '503' });
  });
});
