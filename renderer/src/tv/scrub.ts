/**
 * Seeking with a remote: left/right move a scrub target (shown on the transport bar) instead
 * of seeking on every press, and the player seeks once the presses stop — one seek and one
 * report per gesture, not one per key repeat, and no stutter while the user crosses an hour.
 * A press moves ±10 s; a held key repeats (throttled by a repeat gate) with a step that grows
 * the longer it is held (keymap.ts `seekStepSeconds`). Changing direction starts a new hold.
 * Pure logic over an injected clock, so it is unit-tested without a browser.
 */
import { createRepeatGate, seekStepSeconds } from './keymap.ts';

/** Minimum time between two acted-on key repeats. */
export const SCRUB_REPEAT_MS = 200;
/** Quiet time after the last press before the seek is made. */
export const SCRUB_COMMIT_MS = 700;

/** The seekable range and the current position, in media seconds. */
export interface ScrubContext {
  position: number;
  min: number;
  max: number;
}

/** A scrubber: feed it presses, read the target, commit it. */
export interface Scrubber {
  /** A left (-1) or right (+1) press or repeat; the new target, or null when the repeat is gated. */
  press(direction: -1 | 1, repeat: boolean, at: ScrubContext): number | null;
  /** The key went up: the next press starts a new hold (no acceleration carried over). */
  release(): void;
  /** The target being shown, or null when not scrubbing. */
  target(): number | null;
  /** End the gesture: the target to seek to (null when there is none). */
  commit(): number | null;
  /** Drop the gesture without seeking. */
  cancel(): void;
}

/** Create a scrubber over a clock (ms). */
export function createScrubber(now: () => number = () => performance.now()): Scrubber {
  const gate = createRepeatGate(SCRUB_REPEAT_MS, now);
  let target: number | null = null;
  let holdStart = 0;
  let holdDirection: -1 | 1 | 0 = 0;
  return {
    press(direction, repeat, at) {
      const t = now();
      const newHold = !repeat || direction !== holdDirection;
      if (newHold) {
        holdStart = t;
        holdDirection = direction;
      }
      if (!gate.accept(!newHold)) return null;
      const step = seekStepSeconds(t - holdStart);
      const base = target ?? at.position;
      target = Math.min(at.max, Math.max(at.min, base + direction * step));
      return target;
    },
    release() {
      holdDirection = 0;
    },
    target: () => target,
    commit() {
      const t = target;
      target = null;
      holdDirection = 0;
      return t;
    },
    cancel() {
      target = null;
      holdDirection = 0;
    },
  };
}
