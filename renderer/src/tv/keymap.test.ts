import { describe, expect, it } from 'vitest';
import { createRepeatGate, noriginKeyMap, remoteAction, remoteDigit, seekStepSeconds } from './keymap.ts';

describe('remote key maps', () => {
  it.each([
    [{ key: 'ArrowLeft' }, 'left'],
    [{ key: 'Enter' }, 'ok'],
    [{ key: 'Escape' }, 'back'],
    [{ key: 'Backspace' }, 'back'],
    [{ key: 'BrowserBack' }, 'back'],
    [{ key: 'GoBack' }, 'back'],
    [{ key: 'Unidentified', keyCode: 10009 }, 'back'], // Tizen
    [{ key: '', keyCode: 461 }, 'back'], // webOS
    [{ key: 'MediaPlayPause' }, 'play-pause'],
    [{ key: 'Unidentified', keyCode: 10252 }, 'play-pause'],
    [{ key: 'MediaStop' }, 'stop'],
    [{ key: 'Unidentified', keyCode: 417 }, 'fast-forward'],
    [{ key: 'MediaRewind' }, 'rewind'],
    [{ key: 'ContextMenu' }, 'menu'],
    [{ key: 'Unidentified', keyCode: 10135 }, 'menu'], // Tizen Tools
    [{ key: '', keyCode: 457 }, 'menu'], // Info (webOS, Tizen)
    [{ key: 'MediaAudioTrack' }, 'audio'],
    [{ key: 'Subtitle' }, 'subtitles'],
    [{ key: 'ClosedCaptionToggle' }, 'subtitles'],
  ] as const)('%o → %s', (input, action) => {
    expect(remoteAction(input)).toBe(action);
  });

  it('ignores chords and unknown keys', () => {
    expect(remoteAction({ key: 'ArrowLeft', ctrlKey: true })).toBeNull();
    expect(remoteAction({ key: 'q' })).toBeNull();
    expect(remoteAction({ key: 'Unidentified', keyCode: 9999 })).toBeNull();
  });

  it('reads number keys as digits, never as actions', () => {
    expect(['0', '5', '9'].map((key) => remoteDigit({ key }))).toEqual([0, 5, 9]);
    expect(remoteDigit({ key: 'Unidentified', keyCode: 52 })).toBe(4); // Tizen / webOS number keys
    expect(remoteDigit({ key: '', keyCode: 103 })).toBe(7); // numpad
    expect(remoteDigit({ key: '5', ctrlKey: true })).toBeNull();
    expect(remoteDigit({ key: 'a', keyCode: 65 })).toBeNull();
    expect(remoteDigit({ key: 'Enter', keyCode: 13 })).toBeNull();
    expect(remoteAction({ key: '5' })).toBeNull();
  });

  it('gives Norigin every name and code of the directions and OK', () => {
    const m = noriginKeyMap();
    expect(m.left).toEqual(expect.arrayContaining(['ArrowLeft', 37]));
    expect(m.enter).toEqual(expect.arrayContaining(['Enter', 13]));
    expect(m.enter).not.toContain('Escape');
  });
});

describe('repeat gate and seek acceleration', () => {
  it('lets a press through and throttles repeats', () => {
    let t = 0;
    const gate = createRepeatGate(150, () => t);
    expect(gate.accept(false)).toBe(true);
    t = 30;
    expect(gate.accept(true)).toBe(false);
    t = 160;
    expect(gate.accept(true)).toBe(true);
    t = 170;
    expect(gate.accept(false)).toBe(true); // a fresh press is never throttled
  });

  it('accelerates a held seek', () => {
    expect([0, 999, 1000, 2499, 2500, 4999, 5000, 20_000].map(seekStepSeconds)).toEqual([10, 10, 20, 20, 30, 30, 60, 60]);
  });
});
