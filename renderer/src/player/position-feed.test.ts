/** The PC app's position feed: throttled while nothing changes, at once when something does. */
import { describe, expect, it } from 'vitest';
import type { PlaybackPosition } from '../../../common/ipc.ts';
import { createPositionFeed, FEED_INTERVAL_MS } from './position-feed.ts';

const at = (offsetMs: number, paused = false): PlaybackPosition => ({ programId: 'harbour-lights', breakpoint: { kind: 'offset', offsetMs }, observedAt: 1_760_000_000_000 + offsetMs, paused });

describe('position feed', () => {
  it('sends one position per interval while playing, at once on pause, play and force, null at the end', () => {
    let now = 0;
    const sent: (number | null)[] = [];
    const feed = createPositionFeed((p) => sent.push(p ? (p.breakpoint as { offsetMs: number }).offsetMs : null), { now: () => now });
    // timeupdate every 250 ms for 12 s of play.
    for (now = 0; now <= 12_000; now += 250) feed.update(at(now));
    expect(sent).toEqual([0, FEED_INTERVAL_MS, 2 * FEED_INTERVAL_MS]);
    now = 12_100;
    feed.update(at(12_100, true)); // paused: at once
    now = 12_200;
    feed.update(at(12_100, true)); // still paused: nothing new
    now = 12_300;
    feed.update(at(30_000), true); // a seek: at once
    feed.clear();
    feed.clear();
    expect(sent).toEqual([0, 5_000, 10_000, 12_100, 30_000, null]);
  });

  it('starts afresh after the end (the next viewing reports at once)', () => {
    const sent: unknown[] = [];
    const feed = createPositionFeed((p) => sent.push(p), { now: () => 0 });
    feed.clear();
    expect(sent).toEqual([]);
    feed.update(at(1));
    feed.clear();
    feed.update(at(2));
    expect(sent).toHaveLength(3);
  });
});
