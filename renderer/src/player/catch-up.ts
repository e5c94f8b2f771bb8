/**
 * A handoff's start (issue 15, "Continue here"): the other terminal kept playing while this one
 * loaded, so before the first frame the player moves to where that terminal is *now*. It waits
 * until the start is buffered (a seek inside the buffer takes milliseconds, one outside it a
 * segment fetch), then seeks to the moving point — again if the seek itself took long enough to
 * fall behind — and only then lets playback start.
 */
import type { Breakpoint } from '../../../common/protocol/model.ts';
import { mediaTimeOf } from './position.ts';

/** Behind by less than this (s): start as is (a seek would cost more than it gains). */
const CLOSE_ENOUGH_S = 0.08;

/** Resolves on the first `type` event of `target`, or after `ms` (never rejects). */
function nextEvent(target: EventTarget, type: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      target.removeEventListener(type, done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    target.addEventListener(type, done);
  });
}

/** Seek `video` to `pointAt(now)` before it plays; `stopped` ends it early (the viewing closed). */
export async function catchUpBeforePlaying(
  video: HTMLVideoElement,
  pointAt: (localNow: number) => Breakpoint,
  liveEpochMs: number | null,
  stopped: () => boolean,
): Promise<void> {
  // HAVE_FUTURE_DATA: the start is buffered.
  if (video.readyState < 3) await nextEvent(video, 'canplay', 3_000);
  for (let i = 0; i < 3 && !stopped(); i++) {
    const t = mediaTimeOf(pointAt(Date.now()), liveEpochMs);
    if (t === null || t - video.currentTime < CLOSE_ENOUGH_S) return;
    video.currentTime = t;
    await nextEvent(video, 'seeked', 2_000);
  }
}
