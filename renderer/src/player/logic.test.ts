import { describe, expect, it } from 'vitest';
import { homePage, item, liveChannel, memoryBridge, record, vod } from '../testing/fixtures.ts';
import { createJournal, JOURNAL_KEY, recoverJournal } from './journal.ts';
import { actionForKey, DESKTOP_KEYS, focusKind } from './keys.ts';
import { breakpointAt, clampSeek, isSeekBack, mediaTimeOf, startTimeOf } from './position.ts';
import { resumePointFor } from './resume-point.ts';
import type { TerminalReport } from '../../../common/protocol/api.ts';

const EPOCH = Date.UTC(2026, 0, 1);

describe('breakpoint ↔ media time', () => {
  it('VOD: integer ms offsets, clamped to the programme', () => {
    expect(breakpointAt('vod', 61.2345, null, 600_000)).toEqual({ kind: 'offset', offsetMs: 61_235 });
    expect(breakpointAt('vod', 700, null, 600_000)).toEqual({ kind: 'offset', offsetMs: 600_000 });
    expect(breakpointAt('vod', Number.NaN, null, 600_000)).toBeNull();
    expect(mediaTimeOf({ kind: 'offset', offsetMs: 61_235 }, null)).toBe(61.235);
  });

  it('live: wall clock = liveEpochMs + t·1000, both ways', () => {
    const t = (Date.UTC(2026, 5, 1, 12) - EPOCH) / 1000 + 0.25;
    const bp = breakpointAt('live', t, EPOCH, 120_000);
    expect(bp).toEqual({ kind: 'wallclock', epochMs: Date.UTC(2026, 5, 1, 12) + 250 });
    expect(mediaTimeOf(bp as never, EPOCH)).toBeCloseTo(t, 6);
    expect(breakpointAt('live', t, null, 0)).toBeNull();
  });

  it('start time of an access server answer', () => {
    expect(startTimeOf({ start: { kind: 'offset', offsetMs: 90_500 } })).toBe(90.5);
    expect(startTimeOf({ start: { kind: 'wallclock', epochMs: EPOCH + 10_000 }, liveEpochMs: EPOCH })).toBe(10);
  });

  it('seeking back and clamping', () => {
    expect(isSeekBack(100, 99.5)).toBe(false);
    expect(isSeekBack(100, 90)).toBe(true);
    expect(clampSeek(-5, 0, 600)).toBe(0);
    expect(clampSeek(700, 0, 600)).toBe(599.75);
  });
});

describe('resume point', () => {
  const harbour = vod('harbour-lights');
  const page = homePage([
    item(harbour, record('harbour-lights', { kind: 'offset', offsetMs: 200_000 }, { terminalId: 'term-bbbbbbbb', terminalName: 'Living-room TV', terminalType: 'stb' }), [
      { terminalId: 'term-self0001', terminalName: 'This PC', terminalType: 'pc', breakpoint: { kind: 'offset', offsetMs: 90_000 }, progressAt: 1_800_000_000_000, percent: 15 },
    ]),
  ]);

  it('Resume takes the card’s newest point and names the other terminal', () => {
    expect(resumePointFor(page, 'harbour-lights', { kind: 'resume' })).toEqual({ program: harbour, breakpoint: { kind: 'offset', offsetMs: 200_000 }, fromTerminal: 'Living-room TV' });
  });

  it('an other-device entry takes that point (this terminal is not named)', () => {
    expect(resumePointFor(page, 'harbour-lights', { kind: 'terminal', terminalId: 'term-self0001' })).toMatchObject({ breakpoint: { offsetMs: 90_000 }, fromTerminal: null });
  });

  it('Start over, or nothing on the row: from the start', () => {
    expect(resumePointFor(page, 'harbour-lights', { kind: 'over' }).breakpoint).toBeNull();
    expect(resumePointFor(page, 'dumpling-workshop', { kind: 'resume' })).toMatchObject({ breakpoint: null, program: { id: 'dumpling-workshop' } });
    expect(resumePointFor(null, 'x', { kind: 'resume' })).toEqual({ program: null, breakpoint: null, fromTerminal: null });
  });

  it('live cards resume at their wall-clock moment', () => {
    const live = homePage([item(liveChannel(), record('live-news', { kind: 'wallclock', epochMs: EPOCH + 5_000 }))]);
    expect(resumePointFor(live, 'live-news', { kind: 'resume' }).breakpoint).toEqual({ kind: 'wallclock', epochMs: EPOCH + 5_000 });
  });
});

describe('key map', () => {
  it('maps the player keys', () => {
    expect(actionForKey({ key: ' ' })).toBe('toggle-play');
    expect(actionForKey({ key: 'ArrowLeft' })).toBe('seek-back');
    expect(actionForKey({ key: 'ArrowRight' })).toBe('seek-forward');
    expect(actionForKey({ key: 'ArrowUp' })).toBe('volume-up');
    expect(actionForKey({ key: 'f' })).toBe('toggle-fullscreen');
    expect(actionForKey({ key: 'm' })).toBe('toggle-mute');
    expect(actionForKey({ key: 'Escape' })).toBe('exit');
    expect(actionForKey({ key: 'q' })).toBeNull();
  });

  it('leaves keys to focused controls and to shortcuts with modifiers', () => {
    expect(actionForKey({ key: ' ', focus: 'button' })).toBeNull();
    expect(actionForKey({ key: 'f', focus: 'button' })).toBe('toggle-fullscreen');
    expect(actionForKey({ key: 'ArrowLeft', focus: 'range' })).toBeNull();
    expect(actionForKey({ key: 'Escape', focus: 'range' })).toBe('exit');
    expect(actionForKey({ key: 'm', focus: 'text' })).toBeNull();
    expect(actionForKey({ key: 'f', ctrlKey: true })).toBeNull();
  });

  it('every desktop action but go-live has a key', () => {
    expect(new Set(Object.values(DESKTOP_KEYS))).toEqual(new Set(['toggle-play', 'seek-back', 'seek-forward', 'volume-up', 'volume-down', 'toggle-mute', 'toggle-fullscreen', 'exit']));
    expect(focusKind(null)).toBe('other');
  });
});

describe('viewing journal', () => {
  const report: TerminalReport = {
    reportId: 'report-0001',
    programId: 'harbour-lights',
    breakpoint: { kind: 'offset', offsetMs: 70_000 },
    seq: 12,
    event: 'heartbeat',
    observedAt: 1_800_000_000_000,
  };

  it('a journal left by a crashed run becomes a stop in the outbox', async () => {
    const bridge = memoryBridge();
    createJournal(bridge).save(report);
    await Promise.resolve();
    const queued: TerminalReport[] = [];
    expect(await recoverJournal(bridge, { enqueue: async (r) => void queued.push(r) })).toBe(true);
    expect(queued).toEqual([{ ...report, event: 'stop' }]);
    expect(bridge.cache.has(JOURNAL_KEY)).toBe(false);
    expect(await recoverJournal(bridge, { enqueue: async () => undefined })).toBe(false);
  });

  it('clear forgets it', async () => {
    const bridge = memoryBridge();
    const j = createJournal(bridge);
    j.save(report);
    j.clear();
    await Promise.resolve();
    expect(bridge.cache.has(JOURNAL_KEY)).toBe(false);
  });
});
