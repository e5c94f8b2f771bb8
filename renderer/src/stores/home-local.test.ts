import { describe, expect, it, vi } from 'vitest';
import type { TerminalReport } from '../../../common/protocol/api.ts';
import { DEFAULT_RESUME_RULES } from '../../../common/resume.ts';
import { fakeHomeRoutes, homePage, item, memoryBridge, NOW, record, settle, vod } from '../testing/fixtures.ts';
import { createHomeStore } from './home.ts';
import { localRecords, withLocalPoints } from './home-merge.ts';

const harbour = vod('harbour-lights', 10);
const me = { terminalId: 'term-aaaaaaaa', terminalName: 'Study PC', terminalType: 'pc' as const };
const report = (seq: number, offsetMs: number, observedAt: number, programId = 'harbour-lights'): TerminalReport => ({
  reportId: `r-${seq}-0000000000`,
  programId,
  breakpoint: { kind: 'offset', offsetMs },
  seq,
  event: 'pause',
  observedAt,
});

describe('this terminal’s unsent points on its own card', () => {
  // The server's record: this terminal stopped at 7:03 a minute ago; the outbox holds 7:13.
  const serverPage = homePage([item(harbour, record('harbour-lights', { kind: 'offset', offsetMs: 423_000 }))], [harbour]);

  it('the newest report per programme becomes this terminal’s record', () => {
    const recs = localRecords([report(3, 433_000, NOW - 10_000), report(2, 428_000, NOW - 20_000)], me, 'user-00000001');
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ terminalId: me.terminalId, seq: 3, breakpoint: { offsetMs: 433_000 }, progressAt: NOW - 10_000 });
  });

  it('a newer local point replaces the server’s on the card; an older one does not', () => {
    const newer = withLocalPoints(serverPage, localRecords([report(3, 433_000, NOW - 10_000)], me, 'u'), [], DEFAULT_RESUME_RULES, NOW);
    expect(newer.continueWatching[0]?.record.breakpoint).toEqual({ kind: 'offset', offsetMs: 433_000 });
    const older = withLocalPoints(serverPage, localRecords([report(1, 300_000, NOW - 120_000)], me, 'u'), [], DEFAULT_RESUME_RULES, NOW);
    expect(older).toBe(serverPage);
  });

  it('the home store shows them over a fetched page and over the cached one', async () => {
    const routes = fakeHomeRoutes(async () => serverPage);
    const api = { homeDocument: routes.homeDocument, catalogue: routes.catalogue, hide: vi.fn() };
    const store = createHomeStore({ api, cache: memoryBridge(), now: () => NOW });
    store.getState().setLocal(localRecords([report(3, 433_000, NOW - 10_000)], me, 'u'));
    await store.getState().load();
    await settle();
    expect(store.getState().page?.continueWatching[0]?.record.breakpoint).toEqual({ kind: 'offset', offsetMs: 433_000 });
  });
});
