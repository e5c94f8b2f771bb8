/**
 * The PC app's position feed from the real player controller (issue 12: "the renderer never
 * calls reportPlayback"): with `reportPosition` (runtime.ts wires it to the Electron bridge's
 * `reportPlayback`) the controller reports at the first frame, every 5 s of play from its
 * timeupdate ticks (not at every tick), at once on pause and seek, and `null` once the viewing's
 * own stop went out. So a renderer that crashes after 20 s of play has told main a position
 * within one feed interval of the crash point — main/stop-paths.test.ts measures what main's
 * store holds from such a feed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlaybackPosition } from '../../../common/ipc.ts';
import type { PlayResponse } from '../../../common/protocol/stream.ts';
import type { Api } from '../api/http.ts';
import { createPlayerStore } from '../stores/player.ts';
import { fakeEngines, FakeVideo } from '../testing/fake-player.ts';
import { settle, vod } from '../testing/fixtures.ts';
import { createPlayerController } from './controller.ts';
import { FEED_INTERVAL_MS } from './position-feed.ts';

const T0 = Date.UTC(2026, 5, 1, 20, 0, 0);
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

function playing() {
  const fed: (PlaybackPosition | null)[] = [];
  const answer: PlayResponse = {
    sessionId: 'sess-00000009', playToken: 'pt1.feed', tokenExpiresAt: T0 + 3_600_000, manifestUrl: 'https://media.test/harbour-lights/manifest.mpd',
    protocol: 'dash', start: { kind: 'offset', offsetMs: 600_000 }, atLiveEdge: false, heartbeatIntervalMs: 60_000, minSeq: 0,
    program: vod('harbour-lights', 30), clusterId: 'S1', admittedByToken: false,
  };
  const api = {
    play: async () => answer,
    heartbeat: async () => ({ playToken: 'pt1.feed', tokenExpiresAt: T0 + 3_600_000, nextHeartbeatMs: 60_000, result: 'applied' as const }),
    stop: async (_s: string, _t: string, body: { position: unknown }) => ({ breakpoint: body.position, result: 'applied' as const }),
    stopOnUnload: () => true,
  } as unknown as Api;
  let seq = 0;
  const video = new FakeVideo();
  const controller = createPlayerController(video as unknown as HTMLVideoElement, {
    api,
    nextSeq: async (atLeast) => (seq = Math.max(seq, atLeast) + 1),
    queue: { enqueue: async () => undefined, flush: async () => undefined, pending: () => 0, items: async () => [], destroy: () => undefined },
    journal: { save: () => undefined, clear: () => undefined },
    store: createPlayerStore(),
    isOnline: () => true,
    onOnline: () => () => undefined,
    engines: fakeEngines(),
    textContainer: null,
    reportPosition: (p) => void fed.push(p),
  });
  /** Play for `ms` of wall time: a timeupdate every 250 ms, as a media element fires them. */
  const play = (ms: number) => {
    for (let t = 0; t < ms; t += 250) {
      vi.setSystemTime(Date.now() + 250);
      video.advance(video.currentTime + 0.25);
    }
  };
  return { fed, video, controller, play };
}

const offset = (p: PlaybackPosition | null | undefined) => (p?.breakpoint.kind === 'offset' ? p.breakpoint.offsetMs : null);

describe('the position feed to main (reportPlayback) from the real controller', () => {
  it('after 20 s of play the last position main has is within one feed interval of the picture', async () => {
    const { fed, video, controller, play } = playing();
    video.currentTime = 600; // where the engine loads (the resume point)
    await controller.open({ programId: 'harbour-lights', program: null, breakpoint: { kind: 'offset', offsetMs: 600_000 }, fromTerminal: null });
    await settle();
    // The first frame is reported at once (its timeupdate and the forced report of `playing`).
    expect(fed.length).toBeGreaterThanOrEqual(1);
    expect(fed.every((p) => p?.observedAt === T0)).toBe(true);
    expect(fed[0]).toMatchObject({ programId: 'harbour-lights', breakpoint: { offsetMs: 600_000 }, paused: false, resumedFrom: { kind: 'offset', offsetMs: 600_000 }, playToken: 'pt1.feed' });
    const atStart = fed.length;

    play(23_700); // 95 timeupdates; the renderer crashes right after the last one
    const crashPoint = Math.round(video.currentTime * 1000);
    // Throttled: one report per interval, not one per tick.
    expect(fed.length - atStart).toBe(Math.floor(23_700 / FEED_INTERVAL_MS));
    const last = fed.at(-1) as PlaybackPosition;
    expect(last.paused).toBe(false);
    expect(crashPoint - (offset(last) ?? 0)).toBeLessThanOrEqual(FEED_INTERVAL_MS);
    expect(Date.now() - last.observedAt).toBeLessThanOrEqual(FEED_INTERVAL_MS);
    console.log(`feed: ${fed.length - atStart} reports in 23.7 s of play (${Math.ceil(23_700 / 250)} timeupdates); crash at ${crashPoint} ms, main's last position ${offset(last)} ms (${crashPoint - (offset(last) ?? 0)} ms behind, observed ${Date.now() - last.observedAt} ms before)`);

    // Pause and seek are reported at once, whatever the interval.
    const before = fed.length;
    video.pause();
    expect(fed).toHaveLength(before + 1);
    expect(fed.at(-1)).toMatchObject({ paused: true, breakpoint: { offsetMs: crashPoint } });
    video.currentTime = 30;
    video.dispatchEvent(new Event('seeked'));
    expect(offset(fed.at(-1))).toBe(30_000);

    // The viewing's own stop went out: main is told nothing plays any more.
    await controller.close();
    expect(fed.at(-1)).toBeNull();
  });
});
