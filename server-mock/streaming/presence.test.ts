/**
 * The cluster's presence reporter: one batch in flight, updates coalesced per session (the
 * newest wins), a failed batch retried unless superseded, pause inferred from heartbeats.
 */
import { describe, expect, it } from 'vitest';
import type { PresenceUpdate } from '../../common/protocol/presence.ts';
import type { Program } from '../../common/protocol/model.ts';
import { PresenceReporter } from './presence.ts';
import type { PlaySession } from './sessions.ts';

const program = { id: 'ocean', kind: 'vod' } as Program;
const session = (id: string, offsetMs: number, seq: number, closedAt: number | null = null): PlaySession => ({
  id,
  userId: 'user-00000001',
  terminalId: 'term-0000001',
  terminalType: 'stb',
  profileId: null,
  program,
  startedAt: 0,
  lastSeenAt: 0,
  position: { kind: 'offset', offsetMs },
  seq,
  resumedFrom: null,
  seekedBack: false,
  playToken: 'pt1.x',
  reportedSeq: -1,
  reportedAt: 0,
  closedAt,
});

describe('PresenceReporter', () => {
  it('coalesces while a batch is in flight and keeps each session’s order', async () => {
    const sent: PresenceUpdate[][] = [];
    let release: () => void = () => {};
    const r = new PresenceReporter({
      client: {
        presence: (updates) => {
          sent.push(updates);
          return new Promise((resolve) => (release = () => resolve(updates.length)));
        },
      },
    });
    r.observe(session('sess-0001aaaa', 0, -1), 'open');
    r.observe(session('sess-0001aaaa', 1_000, 1), 'heartbeat');
    r.observe(session('sess-0001aaaa', 2_000, 2), 'heartbeat');
    r.observe(session('sess-0002bbbb', 0, -1), 'open');
    expect(sent.map((b) => b.map((u) => [u.sessionId, u.position]))).toEqual([[['sess-0001aaaa', { kind: 'offset', offsetMs: 0 }]]]);
    expect(sent[0]?.[0]?.starting).toBe(true);
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent[1]?.map((u) => [u.sessionId, u.position.kind === 'offset' ? u.position.offsetMs : null, u.starting ?? false])).toEqual([
      ['sess-0001aaaa', 2_000, false],
      ['sess-0002bbbb', 0, true],
    ]);
    release();
    await r.idle();
    r.close();
  });

  it('infers pause from heartbeats and retries a failed batch unless something newer replaced it', async () => {
    const sent: PresenceUpdate[][] = [];
    let fail = true;
    const r = new PresenceReporter({
      retryMs: 10,
      client: {
        presence: async (updates) => {
          sent.push(updates);
          if (fail) throw new Error('global down');
          return updates.length;
        },
      },
    });
    r.observe(session('sess-0001aaaa', 5_000, 3), 'pause');
    await r.idle();
    fail = false;
    r.observe(session('sess-0001aaaa', 5_000, 4), 'heartbeat'); // unmoved: still paused
    await new Promise((resolve) => setTimeout(resolve, 50));
    await r.idle();
    expect(sent.map((b) => b.map((u) => [u.paused, u.position.kind === 'offset' ? u.position.offsetMs : null]))).toEqual([[[true, 5_000]], [[true, 5_000]]]);
    r.observe(session('sess-0001aaaa', 6_000, 5), 'heartbeat'); // moved: playing again
    r.observe(session('sess-0001aaaa', 6_000, 6, 1), 'stop');
    await r.idle();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await r.idle();
    const last = sent.at(-1)?.at(-1);
    expect([last?.open, last?.paused]).toEqual([false, false]);
    r.close();
  });
});
