import { describe, expect, it } from 'vitest';
import { createScrubber, SCRUB_REPEAT_MS } from './scrub.ts';

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}
const at = (position: number, min = 0, max = 600) => ({ position, min, max });

describe('remote scrubbing', () => {
  it('a press moves ±10 s from the position; presses add up to one target', () => {
    const c = clock();
    const s = createScrubber(c.now);
    expect(s.target()).toBeNull();
    expect(s.press(1, false, at(100))).toBe(110);
    s.release();
    c.advance(150);
    expect(s.press(1, false, at(100.2))).toBe(120);
    s.release();
    c.advance(150);
    expect(s.press(-1, false, at(100.4))).toBe(110);
    expect(s.commit()).toBe(110);
    expect(s.target()).toBeNull();
    expect(s.commit()).toBeNull();
  });

  it('a held key is throttled and accelerates the longer it is held', () => {
    const c = clock();
    const s = createScrubber(c.now);
    const steps: number[] = [];
    expect(s.press(1, false, at(0, 0, 100_000))).toBe(10);
    let last = 10;
    // Repeats at 30 Hz for 6 s.
    for (let i = 0; i < 180; i++) {
      c.advance(33);
      const t = s.press(1, true, at(0, 0, 100_000));
      if (t !== null) {
        steps.push(t - last);
        last = t;
      }
    }
    // Throttled: far fewer actions than repeats, none closer than the gate.
    expect(steps.length).toBeLessThanOrEqual(Math.ceil((180 * 33) / SCRUB_REPEAT_MS) + 1);
    expect(steps.length).toBeGreaterThan(10);
    // Accelerating: 10 s steps at first, 60 s steps after 5 s held.
    expect(steps[0]).toBe(10);
    expect(steps.at(-1)).toBe(60);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  it('releasing or turning around starts a new hold at 10 s', () => {
    const c = clock();
    const s = createScrubber(c.now);
    s.press(1, false, at(1000, 0, 5000));
    for (let i = 0; i < 40; i++) {
      c.advance(100);
      s.press(1, true, at(1000, 0, 5000));
    }
    const before = s.target() as number;
    c.advance(100);
    // The other direction, still flagged as a repeat by the OS: a new hold, 10 s.
    expect(s.press(-1, true, at(1000, 0, 5000))).toBe(before - 10);
    s.release();
    c.advance(100);
    expect(s.press(-1, false, at(1000, 0, 5000))).toBe(before - 20);
  });

  it('stays inside the seekable range (live window or the programme)', () => {
    const c = clock();
    const s = createScrubber(c.now);
    expect(s.press(-1, false, at(4, 0, 600))).toBe(0);
    s.cancel();
    expect(s.target()).toBeNull();
    expect(s.press(1, false, at(595, 0, 600))).toBe(600);
    s.cancel();
    expect(s.press(-1, false, at(1805, 1800, 3600))).toBe(1800);
  });
});
