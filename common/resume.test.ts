/**
 * Resume rules (docs/ARCHITECTURE.md §5): the in-progress window (5 % – 90 %, nothing under 5 minutes is
 * resumable), live breakpoints and the timeshift window, and the report decision that keeps
 * terminals from fighting and bad stops from erasing a good breakpoint.
 */
import { describe, expect, it } from 'vitest';
import type { Breakpoint } from './protocol/model.ts';
import {
  DEFAULT_RESUME_RULES,
  classify,
  correctedTime,
  decideReport,
  isBadStop,
  minResumeOffsetMs,
  percentOf,
  samePosition,
  validateRules,
  type IncomingPoint,
  type ProgramFacts,
  type ResumeRules,
  type StoredPoint,
} from './resume.ts';

const rules: ResumeRules = DEFAULT_RESUME_RULES;
const MIN = 60_000;
/** 100-minute film: 1 % = 60 000 ms, so 5 % = 300 000 ms and 90 % = 5 400 000 ms. */
const film: ProgramFacts = { kind: 'vod', durationMs: 100 * MIN };
/** A 2-minute clip: shorter than the 5-minute resumable minimum. */
const clip: ProgramFacts = { kind: 'vod', durationMs: 2 * MIN };
/** A live channel with a two-hour timeshift window. */
const channel: ProgramFacts = { kind: 'live', durationMs: 0, timeshiftWindowSec: 7200 };
const NOW = Date.UTC(2025, 5, 1, 20, 0, 0);

const at = (offsetMs: number): Breakpoint => ({ kind: 'offset', offsetMs });
const wall = (epochMs: number): Breakpoint => ({ kind: 'wallclock', epochMs });
const stored = (offsetMs: number, seq = 10, progressAt = NOW - 60_000): StoredPoint => ({
  seq,
  breakpoint: at(offsetMs),
  progressAt,
});
const report = (offsetMs: number, seq: number, extra: Partial<IncomingPoint> = {}): IncomingPoint => ({
  seq,
  breakpoint: at(offsetMs),
  observedAt: NOW,
  ...extra,
});

describe('validateRules', () => {
  it('accepts and returns the defaults (5 %, 90 %, 5 min, 500 ms)', () => {
    expect(validateRules(DEFAULT_RESUME_RULES)).toBe(DEFAULT_RESUME_RULES);
    expect(DEFAULT_RESUME_RULES).toEqual({
      minPercent: 5,
      maxPercent: 90,
      minResumableDurationMs: 300_000,
      unmovedToleranceMs: 500,
    });
  });

  it('accepts the extremes 0 and 100 and zero durations', () => {
    const edge = { minPercent: 0, maxPercent: 100, minResumableDurationMs: 0, unmovedToleranceMs: 0 };
    expect(validateRules(edge)).toEqual(edge);
  });

  it.each([
    ['min equal to max', { minPercent: 50, maxPercent: 50 }],
    ['min above max', { minPercent: 60, maxPercent: 40 }],
    ['negative min', { minPercent: -1 }],
    ['max above 100', { maxPercent: 100.1 }],
    ['NaN percent', { minPercent: Number.NaN }],
    ['infinite duration', { minResumableDurationMs: Number.POSITIVE_INFINITY }],
  ])('rejects %s with the percentage message', (_label, patch) => {
    expect(() => validateRules({ ...rules, ...patch })).toThrow(/minPercent < maxPercent/);
  });

  it.each([
    ['negative minimum duration', { minResumableDurationMs: -1 }],
    ['negative tolerance', { unmovedToleranceMs: -1 }],
  ])('rejects %s', (_label, patch) => {
    expect(() => validateRules({ ...rules, ...patch })).toThrow('resume rules: durations must be >= 0');
  });
});

describe('percentOf', () => {
  it('gives the percentage of a VOD offset, rounded to one decimal', () => {
    expect(percentOf(at(0), film.durationMs)).toBe(0);
    expect(percentOf(at(30 * MIN), film.durationMs)).toBe(30);
    expect(percentOf(at(1), 3)).toBe(33.3);
    expect(percentOf(at(2), 3)).toBe(66.7);
  });

  it('caps offsets past the end at 100', () => {
    expect(percentOf(at(200 * MIN), film.durationMs)).toBe(100);
  });

  it('is 0 for live breakpoints and for unknown or zero runtime', () => {
    expect(percentOf(wall(NOW), film.durationMs)).toBe(0);
    expect(percentOf(at(5_000), 0)).toBe(0);
    expect(percentOf(at(5_000), -10)).toBe(0);
  });
});

describe('minResumeOffsetMs', () => {
  it('is the minimum percentage of the runtime', () => {
    expect(minResumeOffsetMs(film.durationMs, rules)).toBe(300_000);
    expect(minResumeOffsetMs(clip.durationMs, rules)).toBe(6_000);
  });
});

describe('classify (VOD)', () => {
  it.each([
    [0, 'not-started'],
    [294_000, 'not-started'], // 4.9 %
    [300_000, 'in-progress'], // exactly 5 %
    [30 * MIN, 'in-progress'],
    [5_394_000, 'in-progress'], // 89.9 %
    [5_400_000, 'watched'], // exactly 90 %
    [100 * MIN, 'watched'],
    [120 * MIN, 'watched'], // past the end
  ] as const)('offset %i ms of a 100-minute film → %s', (offset, expected) => {
    expect(classify(at(offset), film, rules, NOW)).toBe(expected);
  });

  // Regression (fixed): classify compares the percentage *after* rounding to one decimal, so 4.99998 % counts
  // as 5 % ("in-progress") although ResumeRules documents "below this percentage a VOD position
  // is not started" — and isBadStop (exact floor) calls the very same offset below the minimum.
  it('treats 1 ms below the 5 % minimum as not started (consistent with isBadStop)', () => {
    expect(isBadStop(report(299_999, 2, { resumedFrom: at(40 * MIN) }), film, rules)).toBe(true);
    expect(classify(at(299_999), film, rules, NOW)).toBe('not-started');
  });

  // Regression (fixed): same rounding: 89.95 % rounds to 90.0 and is called "watched" although ResumeRules
  // documents "at or above this percentage" (about 3 s before the threshold of a 100-min film).
  it('keeps 89.95 % (below the 90 % maximum) in progress', () => {
    expect(classify(at(5_397_000), film, rules, NOW)).toBe('in-progress');
  });

  it('never makes a programme shorter than the minimum runtime "in progress"', () => {
    expect(classify(at(0), clip, rules, NOW)).toBe('not-started');
    expect(classify(at(60_000), clip, rules, NOW)).toBe('not-started'); // 50 %
    expect(classify(at(100_000), clip, rules, NOW)).toBe('not-started'); // 83.3 %
  });

  it('still lets a short programme be "watched" past the maximum', () => {
    expect(classify(at(108_000), clip, rules, NOW)).toBe('watched'); // exactly 90 %
    expect(classify(at(120_000), clip, rules, NOW)).toBe('watched');
  });

  it('treats a runtime of exactly the minimum as resumable', () => {
    const fiveMinutes: ProgramFacts = { kind: 'vod', durationMs: 5 * MIN };
    expect(classify(at(2 * MIN), fiveMinutes, rules, NOW)).toBe('in-progress');
    expect(classify(at(2 * MIN), { kind: 'vod', durationMs: 5 * MIN - 1 }, rules, NOW)).toBe('not-started');
  });

  it('follows configured thresholds', () => {
    const strict: ResumeRules = { ...rules, minPercent: 10, maxPercent: 80 };
    expect(classify(at(9 * MIN), film, strict, NOW)).toBe('not-started');
    expect(classify(at(10 * MIN), film, strict, NOW)).toBe('in-progress');
    expect(classify(at(80 * MIN), film, strict, NOW)).toBe('watched');
  });
});

describe('classify (live)', () => {
  const windowMs = 7200 * 1000;

  it('is in progress while the broadcast moment is inside the timeshift window', () => {
    expect(classify(wall(NOW), channel, rules, NOW)).toBe('in-progress');
    expect(classify(wall(NOW - 30 * MIN), channel, rules, NOW)).toBe('in-progress');
    expect(classify(wall(NOW - windowMs), channel, rules, NOW)).toBe('in-progress'); // the edge itself
  });

  it('expires once the moment has left the window', () => {
    expect(classify(wall(NOW - windowMs - 1), channel, rules, NOW)).toBe('expired');
    expect(classify(wall(NOW - 24 * 60 * MIN), channel, rules, NOW)).toBe('expired');
  });

  it('expires at once on a channel without timeshift (no window)', () => {
    const noShift: ProgramFacts = { kind: 'live', durationMs: 0 };
    expect(classify(wall(NOW), noShift, rules, NOW)).toBe('in-progress');
    expect(classify(wall(NOW - 1), noShift, rules, NOW)).toBe('expired');
  });

  it('ignores the VOD percentages for live breakpoints', () => {
    const strict: ResumeRules = { ...rules, minPercent: 99, maxPercent: 100 };
    expect(classify(wall(NOW - 1000), channel, strict, NOW)).toBe('in-progress');
  });
});

describe('samePosition', () => {
  it('compares offsets within the tolerance, inclusive', () => {
    expect(samePosition(at(10_000), at(10_500), 500)).toBe(true);
    expect(samePosition(at(10_500), at(10_000), 500)).toBe(true);
    expect(samePosition(at(10_000), at(10_501), 500)).toBe(false);
    expect(samePosition(at(10_000), at(10_000), 0)).toBe(true);
    expect(samePosition(at(10_000), at(10_001), 0)).toBe(false);
  });

  it('compares wall-clock moments the same way', () => {
    expect(samePosition(wall(NOW), wall(NOW + 500), 500)).toBe(true);
    expect(samePosition(wall(NOW), wall(NOW - 501), 500)).toBe(false);
  });

  it('never matches an offset with a wall-clock moment', () => {
    expect(samePosition(at(NOW), wall(NOW), 1e12)).toBe(false);
    expect(samePosition(wall(NOW), at(NOW), 1e12)).toBe(false);
  });
});

describe('decideReport', () => {
  it('applies the first report of a terminal', () => {
    expect(decideReport(null, report(40 * MIN, 1), film, rules)).toEqual({
      outcome: 'applied',
      reason: 'first',
      next: { seq: 1, breakpoint: at(40 * MIN), progressAt: NOW },
    });
  });

  it('applies a report with a higher seq that moved the position', () => {
    expect(decideReport(stored(30 * MIN, 10), report(31 * MIN, 11), film, rules)).toEqual({
      outcome: 'applied',
      reason: 'moved',
      next: { seq: 11, breakpoint: at(31 * MIN), progressAt: NOW },
    });
  });

  it('applies a move backwards too: seq orders reports, not positions', () => {
    const d = decideReport(stored(30 * MIN, 10), report(20 * MIN, 11), film, rules);
    expect(d).toMatchObject({ outcome: 'applied', reason: 'moved', next: { breakpoint: at(20 * MIN) } });
  });

  it.each([
    ['an equal seq', 10],
    ['a lower seq', 3],
  ])('drops %s as stale, whatever its position or clock', (_label, seq) => {
    const s = stored(30 * MIN, 10);
    expect(decideReport(s, report(60 * MIN, seq), film, rules)).toEqual({ outcome: 'stale' });
    expect(decideReport(s, report(60 * MIN, seq, { observedAt: NOW + 86_400_000 }), film, rules)).toEqual({
      outcome: 'stale',
    });
    expect(decideReport(s, report(0, seq, { resumedFrom: at(30 * MIN) }), film, rules)).toEqual({ outcome: 'stale' });
  });

  it('keeps an unmoved heartbeat: progressAt stays, only seq advances', () => {
    const s = stored(30 * MIN, 10, NOW - 120_000);
    expect(decideReport(s, report(30 * MIN + 500, 11), film, rules)).toEqual({
      outcome: 'kept',
      reason: 'unmoved',
      next: { seq: 11, breakpoint: at(30 * MIN), progressAt: NOW - 120_000 },
    });
  });

  it('writes the exact point of a stop under the tolerance, without making the record newer', () => {
    // A seek's report at 30:00, the stop 78 ms of playing later: every terminal resumes from the stop.
    const s = stored(30 * MIN, 10, NOW - 120_000);
    expect(decideReport(s, report(30 * MIN + 78, 11, { final: true }), film, rules)).toEqual({
      outcome: 'applied',
      reason: 'settled',
      next: { seq: 11, breakpoint: at(30 * MIN + 78), progressAt: NOW - 120_000 },
    });
    // The same stop as a heartbeat is still only kept.
    expect(decideReport(s, report(30 * MIN + 78, 11), film, rules)).toMatchObject({ outcome: 'kept', reason: 'unmoved' });
  });

  it('keeps a stop at exactly the stored point (a paused player closed): nothing to write', () => {
    const s = stored(30 * MIN, 10, NOW - 120_000);
    expect(decideReport(s, report(30 * MIN, 11, { final: true }), film, rules)).toEqual({
      outcome: 'kept',
      reason: 'unmoved',
      next: { seq: 11, breakpoint: at(30 * MIN), progressAt: NOW - 120_000 },
    });
  });

  it('checks a bad stop before the exact-stop rule', () => {
    const s = stored(40 * MIN, 10, NOW - 120_000);
    expect(decideReport(s, report(0, 11, { final: true, resumedFrom: at(40 * MIN) }), film, rules)).toMatchObject({ outcome: 'kept', reason: 'bad-stop' });
  });

  it('applies a heartbeat just past the tolerance', () => {
    const d = decideReport(stored(30 * MIN, 10), report(30 * MIN + 501, 11), film, rules);
    expect(d).toMatchObject({ outcome: 'applied', reason: 'moved', next: { progressAt: NOW } });
  });

  it('keeps an unmoved live heartbeat', () => {
    const s: StoredPoint = { seq: 4, breakpoint: wall(NOW - 600_000), progressAt: NOW - 60_000 };
    const d = decideReport(s, { seq: 5, breakpoint: wall(NOW - 600_000), observedAt: NOW }, channel, rules);
    expect(d).toEqual({ outcome: 'kept', reason: 'unmoved', next: { ...s, seq: 5 } });
  });

  describe('bad stop', () => {
    const x = 40 * MIN; // a good breakpoint well past the 5 % (3-minute) minimum

    it('keeps X when a viewing resumed at X ends below the minimum without seeking back', () => {
      const s = stored(x, 10, NOW - 3_600_000);
      expect(decideReport(s, report(0, 11, { resumedFrom: at(x) }), film, rules)).toEqual({
        outcome: 'kept',
        reason: 'bad-stop',
        next: { seq: 11, breakpoint: at(x), progressAt: NOW - 3_600_000 },
      });
      // Just below the minimum is still a bad stop.
      expect(decideReport(s, report(299_999, 11, { resumedFrom: at(x) }), film, rules)).toMatchObject({
        outcome: 'kept',
        reason: 'bad-stop',
      });
    });

    it('treats resumedFrom exactly at the minimum as a good point worth keeping', () => {
      const d = decideReport(stored(300_000), report(0, 11, { resumedFrom: at(300_000) }), film, rules);
      expect(d).toMatchObject({ outcome: 'kept', reason: 'bad-stop' });
    });

    it('applies the stop when the user sought back', () => {
      const d = decideReport(stored(x), report(0, 11, { resumedFrom: at(x), seekedBack: true }), film, rules);
      expect(d).toEqual({ outcome: 'applied', reason: 'moved', next: { seq: 11, breakpoint: at(0), progressAt: NOW } });
    });

    it('applies a stop exactly at the minimum (not below it)', () => {
      const d = decideReport(stored(x), report(300_000, 11, { resumedFrom: at(x) }), film, rules);
      expect(d).toMatchObject({ outcome: 'applied', reason: 'moved', next: { breakpoint: at(300_000) } });
    });

    it('applies the stop when the viewing resumed below the minimum', () => {
      const d = decideReport(stored(200_000), report(10_000, 11, { resumedFrom: at(299_999) }), film, rules);
      expect(d).toMatchObject({ outcome: 'applied', reason: 'moved', next: { breakpoint: at(10_000) } });
    });

    it('applies the stop when no resume point was reported', () => {
      const d = decideReport(stored(x), report(0, 11), film, rules);
      expect(d).toMatchObject({ outcome: 'applied', reason: 'moved', next: { breakpoint: at(0) } });
    });

    it('applies a bad-stop-shaped report when there is no stored row', () => {
      expect(decideReport(null, report(0, 1, { resumedFrom: at(x) }), film, rules)).toEqual({
        outcome: 'applied',
        reason: 'first',
        next: { seq: 1, breakpoint: at(0), progressAt: NOW },
      });
    });
  });
});

describe('isBadStop', () => {
  const x = 40 * MIN;

  it('matches resumed ≥ minimum, stopped < minimum, no seek back', () => {
    expect(isBadStop(report(0, 1, { resumedFrom: at(x) }), film, rules)).toBe(true);
    expect(isBadStop(report(299_999, 1, { resumedFrom: at(300_000) }), film, rules)).toBe(true);
    expect(isBadStop(report(0, 1, { resumedFrom: at(x), seekedBack: false }), film, rules)).toBe(true);
  });

  it('does not match otherwise', () => {
    expect(isBadStop(report(0, 1, { resumedFrom: at(x), seekedBack: true }), film, rules)).toBe(false);
    expect(isBadStop(report(300_000, 1, { resumedFrom: at(x) }), film, rules)).toBe(false);
    expect(isBadStop(report(0, 1, { resumedFrom: at(299_999) }), film, rules)).toBe(false);
    expect(isBadStop(report(0, 1), film, rules)).toBe(false);
  });

  it('never applies to live breakpoints', () => {
    const live: IncomingPoint = { seq: 1, breakpoint: wall(NOW - 1), observedAt: NOW, resumedFrom: wall(NOW - 3_600_000) };
    expect(isBadStop(live, channel, rules)).toBe(false);
    expect(isBadStop(report(0, 1, { resumedFrom: wall(NOW) }), film, rules)).toBe(false);
  });

  it('scales the minimum with the runtime (5 % of a 2-minute clip is 6 s)', () => {
    expect(isBadStop(report(5_999, 1, { resumedFrom: at(6_000) }), clip, rules)).toBe(true);
    expect(isBadStop(report(6_000, 1, { resumedFrom: at(60_000) }), clip, rules)).toBe(false);
  });
});

describe('correctedTime', () => {
  const received = NOW;

  it('is the receive time minus the report age measured on the sender clock', () => {
    expect(correctedTime(1_000_000, 1_030_000, received)).toBe(NOW - 30_000);
    expect(correctedTime(5, 5, received)).toBe(NOW);
  });

  it('gives the same time however wrong the device clock is (3 hours fast or slow)', () => {
    const threeHours = 3 * 3_600_000;
    const observed = NOW - 45_000;
    const sent = NOW - 5_000;
    const truth = correctedTime(observed, sent, received);
    expect(truth).toBe(NOW - 40_000);
    expect(correctedTime(observed + threeHours, sent + threeHours, received)).toBe(truth);
    expect(correctedTime(observed - threeHours, sent - threeHours, received)).toBe(truth);
  });

  it('counts an observedAt in the sender future as age 0', () => {
    expect(correctedTime(NOW + 10_000, NOW, received)).toBe(NOW);
    expect(correctedTime(2_000, 1_000, received)).toBe(NOW);
  });
});
