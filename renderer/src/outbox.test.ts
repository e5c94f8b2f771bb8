import { describe, expect, it } from 'vitest';
import type { TerminalReport } from '../../common/protocol/api.ts';
import { ApiError } from './api/http.ts';
import { createReportOutbox, outcomeOfFailure } from './outbox.ts';
import { memoryBridge, settle } from './testing/fixtures.ts';

const report = (seq: number, event: TerminalReport['event'] = 'stop'): TerminalReport => ({
  reportId: `report-${String(seq).padStart(4, '0')}`,
  programId: 'harbour-lights',
  breakpoint: { kind: 'offset', offsetMs: seq * 1000 },
  seq,
  event,
  observedAt: 1_800_000_000_000 + seq,
});

describe('outcomeOfFailure', () => {
  it('retries what may succeed later', () => {
    expect(outcomeOfFailure(new ApiError('NETWORK_DOWN', 'x'), 3).kind).toBe('retry');
    expect(outcomeOfFailure(new ApiError('INTERNAL', 'x', 500), 3).kind).toBe('retry');
    expect(outcomeOfFailure(new ApiError('RATE_LIMITED', 'x', 429), 3).kind).toBe('retry');
    expect(outcomeOfFailure(new ApiError('UNAUTHENTICATED', 'x', 401), 3).kind).toBe('retry');
    expect(outcomeOfFailure(new Error('boom'), 3).kind).toBe('retry');
  });

  it('drops exactly the reports the server names', () => {
    const err = new ApiError('PROGRAM_NOT_FOUND', 'x', 404, { rejected: [{ index: 2, reportId: 'r', code: 'PROGRAM_NOT_FOUND', message: 'm' }] });
    expect(outcomeOfFailure(err, 3)).toEqual({ kind: 'rejected', indexes: [2], reason: '404 PROGRAM_NOT_FOUND' });
  });

  it('splits the batch when a 4xx names none (the outbox isolates the bad report; common/outbox.ts)', () => {
    expect(outcomeOfFailure(new ApiError('VALIDATION_FAILED', 'x', 400), 2)).toEqual({ kind: 'split', reason: '400 VALIDATION_FAILED' });
    expect(outcomeOfFailure(new ApiError('BODY_TOO_LARGE', 'x', 413), 2).kind).toBe('split');
  });
});

describe('report outbox over the bridge', () => {
  it('persists while offline, survives a restart, then uploads once, in order', async () => {
    const bridge = memoryBridge();
    let online = false;
    const uploads: TerminalReport[][] = [];
    const sentAts: number[] = [];
    const api = {
      sync: async (body: { sentAt: number; reports: TerminalReport[] }) => {
        if (!online) throw new ApiError('NETWORK_DOWN', 'offline');
        uploads.push(body.reports);
        sentAts.push(body.sentAt);
        return { results: body.reports.map((r) => ({ reportId: r.reportId, outcome: 'applied' as const })) };
      },
    };
    const pending: number[] = [];
    const noTimers = { setTimer: () => 0, clearTimer: () => undefined };
    const first = createReportOutbox({ bridge, api, onPending: (n) => pending.push(n), ...noTimers });
    await first.enqueue(report(7, 'pause'));
    await first.enqueue(report(9, 'stop'));
    await settle();
    expect(first.pending()).toBe(2);
    expect(bridge.outbox.size).toBe(2);
    first.destroy();

    // "Reload": a new outbox over the same storage finds both.
    const second = createReportOutbox({ bridge, api, now: () => 1_800_000_100_000, ...noTimers });
    expect((await second.items()).map((r) => r.seq)).toEqual([7, 9]);
    online = true;
    await second.flush();
    expect(uploads).toEqual([[report(7, 'pause'), report(9, 'stop')]]);
    expect(sentAts).toEqual([1_800_000_100_000]);
    expect(bridge.outbox.size).toBe(0);
    await second.flush();
    expect(uploads).toHaveLength(1);
    expect(pending).toContain(2);
  });

  it('drops corrupt stored entries on load', async () => {
    const bridge = memoryBridge();
    await bridge.outboxAppend('reports', { seq: 1, item: { nonsense: true } });
    await bridge.outboxAppend('reports', { seq: 2, item: report(3) });
    const q = createReportOutbox({ bridge, api: { sync: async () => ({ results: [] }) }, setTimer: () => 0, clearTimer: () => undefined });
    expect((await q.items()).map((r) => r.seq)).toEqual([3]);
    expect([...bridge.outbox.keys()]).toEqual([2]);
  });

  it('drops a refused report and sends the rest', async () => {
    const bridge = memoryBridge();
    const uploads: string[][] = [];
    let online = false;
    const api = {
      sync: async (body: { reports: TerminalReport[] }) => {
        if (!online) throw new ApiError('NETWORK_DOWN', 'offline');
        uploads.push(body.reports.map((r) => r.reportId));
        const bad = body.reports.findIndex((r) => r.seq === 2);
        if (bad >= 0) throw new ApiError('INVALID_POSITION', 'x', 400, { rejected: [{ index: bad, reportId: 'x', code: 'INVALID_POSITION', message: 'm' }] });
        return { results: [] };
      },
    };
    const q = createReportOutbox({ bridge, api, setTimer: () => 0, clearTimer: () => undefined });
    await q.enqueue(report(1));
    await q.enqueue(report(2));
    await q.enqueue(report(3));
    await settle();
    online = true;
    await q.flush();
    await settle();
    expect(uploads).toEqual([
      ['report-0001', 'report-0002', 'report-0003'],
      ['report-0001', 'report-0003'],
    ]);
    expect(q.pending()).toBe(0);
  });
});
