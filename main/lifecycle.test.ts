/**
 * The outbox flush on quit, suspend, crash and start: the renderer is asked first; what it
 * could not save becomes a stop report made by main; the stored outbox is uploaded (a fake
 * server records the `POST /api/v1/history/sync` bodies).
 */
import { describe, expect, it } from 'vitest';
import type { LifecycleSignal, PlaybackPosition } from '../common/ipc.ts';
import type { SyncRequest } from '../common/protocol/api.ts';
import { LifecycleCoordinator, stopReportFrom } from './lifecycle.ts';
import { LocalState } from './local-state.ts';
import { memoryLogger } from './log.ts';
import { flushStoredOutbox, type FetchLike } from './report-sender.ts';
import { fakeSafeStorage, memoryStore } from './testing/fakes.ts';

const position: PlaybackPosition = {
  programId: 'harbour-lights',
  breakpoint: { kind: 'offset', offsetMs: 2_467_000 },
  observedAt: 1_760_000_000_000,
  resumedFrom: { kind: 'offset', offsetMs: 600_000 },
  playToken: 'tok_abcdefghijkl',
};

const rendererReport = {
  reportId: 'renderer-0001',
  programId: 'harbour-lights',
  breakpoint: { kind: 'offset', offsetMs: 2_468_000 },
  seq: 1,
  event: 'stop',
  observedAt: 1_760_000_000_500,
};

type RendererMode = 'saves' | 'silent' | 'no-listener' | 'none';

function setup(opts: { renderer?: RendererMode; server?: 'up' | 'down' | 'hangs' } = {}) {
  const log = memoryLogger();
  const state = new LocalState(memoryStore(), fakeSafeStorage(), log);
  state.saveIdentity({
    serverUrl: 'http://127.0.0.1:8750',
    terminalId: 'term_0123456789',
    terminalName: 'PC',
    terminalType: 'pc',
    credential: 'rat_secret_value_123',
    login: 'demo@resume.local',
  });
  const received: SyncRequest[] = [];
  const signals: LifecycleSignal[] = [];
  const fetch: FetchLike = async (url, init) => {
    expect(url).toBe('http://127.0.0.1:8750/api/v1/history/sync');
    expect(init.headers.authorization).toBe('Bearer rat_secret_value_123');
    if (opts.server === 'down') throw new TypeError('fetch failed: ECONNREFUSED');
    if (opts.server === 'hangs') await new Promise(() => undefined);
    received.push(JSON.parse(init.body) as SyncRequest);
    return { status: 200, json: async () => ({ results: [] }) };
  };
  let ids = 0;
  const mode = opts.renderer ?? 'saves';
  const coordinator: LifecycleCoordinator = new LifecycleCoordinator({
    state,
    log,
    newReportId: () => `pc-test-${++ids}`.padEnd(12, '0'),
    flush: () => flushStoredOutbox({ state, fetch, log, requestTimeoutMs: 200 }),
    ackTimeoutMs: 40,
    flushTimeoutMs: 80,
    renderers: {
      broadcast: (signal) => {
        signals.push(signal);
        if (mode === 'none') return [];
        // The renderer's reporter: queue its own stop, then the preload acks.
        setTimeout(() => {
          if (mode === 'saves' && signal.event !== 'resume') {
            state.outboxAppend('reports', { seq: 1, item: { ...rendererReport, seq: state.nextSeq() } });
            coordinator.reportPlayback(null);
            coordinator.ack(signal.id, 5, 1);
          } else if (mode === 'no-listener') coordinator.ack(signal.id, 5, 0);
        }, 5);
        return [5];
      },
    },
  });
  return { state, coordinator, received, signals, log };
}

describe('lifecycle: quit', () => {
  it('lets the renderer save, then uploads its report (no report of main’s own)', async () => {
    const { coordinator, received, state } = setup({ renderer: 'saves' });
    coordinator.reportPlayback(position);
    await coordinator.quit();
    expect(received).toHaveLength(1);
    expect(received[0]?.reports.map((r) => r.reportId)).toEqual(['renderer-0001']);
    expect(state.outboxLoad('reports')).toEqual([]);
    expect(state.playback).toBeNull();
  });

  it('records the last reported position as a stop when the renderer does not answer in time', async () => {
    const { coordinator, received, state, log } = setup({ renderer: 'silent' });
    coordinator.reportPlayback(position);
    const started = Date.now();
    await coordinator.quit();
    expect(Date.now() - started).toBeLessThan(1_000);
    const report = received[0]?.reports[0];
    expect(report).toMatchObject({ programId: 'harbour-lights', breakpoint: position.breakpoint, event: 'stop', observedAt: position.observedAt, resumedFrom: position.resumedFrom, playToken: 'tok_abcdefghijkl' });
    expect(report?.reportId).toMatch(/^pc-test-1/);
    expect(state.playback).toBeNull();
    expect(log.lines.some((l) => /did not answer/.test(l.message))).toBe(true);
  });

  it('treats an ack with no listener as "nobody saved"', async () => {
    const { coordinator, received } = setup({ renderer: 'no-listener' });
    coordinator.reportPlayback(position);
    await coordinator.quit();
    expect(received[0]?.reports[0]).toMatchObject({ event: 'stop', breakpoint: position.breakpoint });
  });

  it('keeps the report stored when the server is down, and sends it at the next start', async () => {
    const down = setup({ renderer: 'none', server: 'down' });
    down.coordinator.reportPlayback(position);
    await down.coordinator.quit();
    expect(down.state.outboxLoad('reports')).toHaveLength(1);
    // Next start, same storage, server up again.
    const up = setup({ renderer: 'none' });
    for (const e of down.state.outboxLoad('reports')) up.state.outboxAppend('reports', e);
    await up.coordinator.started();
    expect(up.received[0]?.reports).toHaveLength(1);
    expect(up.state.outboxLoad('reports')).toEqual([]);
  });

  it('does not wait for a hanging server beyond the flush bound', async () => {
    const { coordinator, state } = setup({ renderer: 'none', server: 'hangs' });
    coordinator.reportPlayback(position);
    const started = Date.now();
    await coordinator.quit();
    expect(Date.now() - started).toBeLessThan(500);
    expect(state.outboxLoad('reports')).toHaveLength(1);
  });

  it('waits the normal bounds on quit, the short ones where the OS gives no time (suspend, shutdown, session end)', async () => {
    const asked: Record<string, number[]> = {};
    for (const how of ['quit', 'shutdown', 'session-end', 'suspend'] as const) {
      const waits: number[] = [];
      const log = memoryLogger();
      const state = new LocalState(memoryStore(), fakeSafeStorage(), log);
      const c = new LifecycleCoordinator({
        state,
        log,
        newReportId: () => 'pc-bounds-0001',
        // A renderer that never answers and an upload that never ends: only the bounds end them.
        flush: () => new Promise(() => undefined),
        renderers: { broadcast: () => [5] },
        delay: async (ms) => void waits.push(ms),
      });
      c.reportPlayback(position);
      await (how === 'suspend' ? c.suspend() : c.quit(how));
      // Every path ends with the stop stored (the urgent ones store it before the first wait).
      expect(state.outboxLoad('reports')).toHaveLength(1);
      asked[how] = waits;
    }
    expect(asked).toEqual({ quit: [1_500, 3_000], shutdown: [500, 1_500], 'session-end': [500, 1_500], suspend: [500, 1_500] });
  });

  it('shares one run between the window close and before-quit', async () => {
    const { coordinator, signals } = setup({ renderer: 'saves' });
    await Promise.all([coordinator.quit(), coordinator.quit()]);
    expect(signals.filter((s) => s.event === 'quit')).toHaveLength(1);
  });
});

describe('lifecycle: suspend, resume, crash, start', () => {
  it('suspend: the renderer saves, the outbox goes out before sleep', async () => {
    const { coordinator, received, signals } = setup({ renderer: 'saves' });
    await coordinator.suspend();
    expect(signals.map((s) => s.event)).toEqual(['suspend']);
    expect(received).toHaveLength(1);
  });

  it('suspend without an answer: main records the position', async () => {
    const { coordinator, received } = setup({ renderer: 'silent' });
    coordinator.reportPlayback(position);
    await coordinator.suspend();
    expect(received[0]?.reports[0]).toMatchObject({ event: 'stop', breakpoint: position.breakpoint });
  });

  it('resume: tells the renderer and sends what waited', async () => {
    const { coordinator, received, signals, state } = setup({ renderer: 'silent' });
    state.outboxAppend('reports', { seq: 1, item: rendererReport });
    await coordinator.resume();
    expect(signals.map((s) => s.event)).toEqual(['resume']);
    expect(received).toHaveLength(1);
  });

  it('crash: the last position becomes a stop report and is uploaded', async () => {
    const { coordinator, received, state } = setup({ renderer: 'none' });
    coordinator.reportPlayback(position);
    await coordinator.crashed(5, 'crashed');
    expect(received[0]?.reports[0]).toMatchObject({ event: 'stop', programId: 'harbour-lights', seq: 1 });
    expect(state.playback).toBeNull();
  });

  it('start: a position left by a run that died (power cut) is settled once', async () => {
    const { coordinator, received, state } = setup({ renderer: 'none' });
    state.playback = position;
    await coordinator.started();
    await coordinator.started();
    expect(received.flatMap((r) => r.reports)).toHaveLength(1);
  });

  it('main’s stop reports take fresh sequences above the renderer’s', async () => {
    const { coordinator, state } = setup({ renderer: 'none', server: 'down' });
    state.nextSeq(40);
    coordinator.reportPlayback(position);
    expect(coordinator.settle('crash')?.seq).toBe(42);
  });

  it('builds a minimal stop when the position has no optional fields', () => {
    expect(stopReportFrom({ programId: 'p1', breakpoint: { kind: 'wallclock', epochMs: 1_760_000_000_000 }, observedAt: 1_760_000_000_000 }, 3, 'pc-abcdefgh')).toEqual({
      reportId: 'pc-abcdefgh',
      programId: 'p1',
      breakpoint: { kind: 'wallclock', epochMs: 1_760_000_000_000 },
      seq: 3,
      event: 'stop',
      observedAt: 1_760_000_000_000,
    });
  });
});
