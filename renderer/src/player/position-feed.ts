/**
 * Tells the PC app's main process where playback is (the Electron bridge's `reportPlayback`),
 * so that a renderer crash, a hung renderer at quit, or a power cut still ends as a stop at
 * (about) this point: main keeps the latest position durably and turns it into a stop report
 * itself (main/lifecycle.ts), carrying a playing position forward to the moment it acts.
 *
 * Throttled: at most one report per `intervalMs` (5 s) while nothing changes, at once when
 * playing/paused flips or on `force` (a seek), and `null` once the viewing ended (its own stop
 * was recorded). The web bridge has no `reportPlayback`; there the feed is not created.
 */
import type { PlaybackPosition } from '../../../common/ipc.ts';

/** One feed per viewing. */
export interface PositionFeed {
  /** The position now; sent when due. */
  update(position: PlaybackPosition, force?: boolean): void;
  /** The viewing ended: nothing plays any more. */
  clear(): void;
}

/** How often a moving position is reported (main carries it forward in between). */
export const FEED_INTERVAL_MS = 5_000;

/** Create a feed that sends through `send` (errors are the sender's to swallow). */
export function createPositionFeed(send: (position: PlaybackPosition | null) => void, opts: { intervalMs?: number; now?: () => number } = {}): PositionFeed {
  const interval = opts.intervalMs ?? FEED_INTERVAL_MS;
  const now = opts.now ?? Date.now;
  let lastAt = Number.NEGATIVE_INFINITY;
  let lastPaused: boolean | undefined;
  let live = false;
  return {
    update(position, force = false) {
      const t = now();
      if (!force && live && position.paused === lastPaused && t - lastAt < interval) return;
      lastAt = t;
      lastPaused = position.paused;
      live = true;
      send(position);
    },
    clear() {
      if (!live) return;
      live = false;
      lastAt = Number.NEGATIVE_INFINITY;
      lastPaused = undefined;
      send(null);
    },
  };
}
