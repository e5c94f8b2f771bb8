import { describe, expect, it } from 'vitest';
import { mergeTracks, preferredTracks } from '../../../common/tracks.ts';
import { FakeEngine } from '../testing/fake-player.ts';
import { record, vod } from '../testing/fixtures.ts';
import { audioOptions, chapterAt, choiceNow, matchLanguage, nearestRate, pickSubtitles, previewTile, subtitleOptions } from './tracks.ts';

const e = new FakeEngine();

describe('track selection', () => {
  it('matches a language exactly, else by primary subtag', () => {
    expect(matchLanguage(e.audio, 'FR')?.language).toBe('fr');
    expect(matchLanguage(e.audio, 'fr-CA')?.language).toBe('fr');
    expect(matchLanguage([{ language: 'zh-Hans' }, { language: 'zh' }], 'zh')?.language).toBe('zh');
    expect(matchLanguage([{ language: 'zh-Hant' }], 'zh-Hans')?.language).toBe('zh-Hant');
    expect(matchLanguage(e.audio, 'de')).toBeNull();
  });

  it('menus: one entry per language; forced subtitles are not offered; subtitles prefer a full track', () => {
    expect(audioOptions(e.audio)).toEqual([{ language: 'en', label: 'English', active: true }, { language: 'fr', label: 'Français', active: false }]);
    expect(subtitleOptions(e.text).map((t) => t.language)).toEqual(['en', 'zh']);
    expect(pickSubtitles(e.text, 'fr')?.forced).toBe(true); // only a forced one exists: take it
    expect(pickSubtitles(e.text, 'en')?.id).toBe(1);
    expect(pickSubtitles(e.text, null)).toBeNull();
  });

  it('speeds snap to the offered ones within 0.5–2', () => {
    expect([0.1, 0.6, 1, 1.1, 1.4, 1.9, 3, Number.NaN].map(nearestRate)).toEqual([0.5, 0.5, 1, 1, 1.5, 2, 2, 1]);
    // A held element (0) or a reversed one is nobody's choice of speed.
    expect([0, -1].map(nearestRate)).toEqual([1, 1]);
  });

  it('the choice now: subtitles count only while shown', () => {
    const text = e.text.map((t) => ({ ...t, active: t.language === 'zh' }));
    expect(choiceNow(e.audio, text, true, 1.25)).toEqual({ audioLanguage: 'en', subtitleLanguage: 'zh', playbackRate: 1.25 });
    expect(choiceNow(e.audio, text, false, 1)).toEqual({ audioLanguage: 'en', subtitleLanguage: null, playbackRate: 1 });
  });

  it('a preview tile scaled from a sprite sheet', () => {
    const tile = previewTile({ width: 160, height: 90, positionX: 320, positionY: 180, imageWidth: 800, imageHeight: 450 }, 'blob:x', 320);
    expect(tile).toEqual({ url: 'blob:x', width: 320, height: 180, backgroundSize: '1600px 900px', backgroundPosition: '-640px -360px' });
  });

  it('the chapter under a time', () => {
    const chapters = [{ startMs: 0, title: 'A' }, { startMs: 60_000, title: 'B' }];
    expect(chapterAt(chapters, 59.9)?.title).toBe('A');
    expect(chapterAt(chapters, 60)?.title).toBe('B');
    expect(chapterAt(undefined, 10)).toBeNull();
  });
});

describe('choices across terminals (common/tracks.ts)', () => {
  const ep = (n: number) => ({ ...vod(`show-e${n}`), series: { id: 'show', title: 'Show', season: 1, episode: n } });
  const programs = [ep(1), ep(2), ep(3), vod('film')];

  it('merges field by field; null subtitles is a choice', () => {
    expect(mergeTracks({ audioLanguage: 'fr', subtitleLanguage: 'en' }, { subtitleLanguage: null })).toEqual({ audioLanguage: 'fr', subtitleLanguage: null });
    expect(mergeTracks(null, undefined)).toBeNull();
    expect(mergeTracks(undefined, { playbackRate: 2 })).toEqual({ playbackRate: 2 });
  });

  it('the programme’s newest choice, else the series’ newest languages, else none', () => {
    const history = [
      record('show-e1', { kind: 'offset', offsetMs: 1 }, { progressAt: 100, tracks: { audioLanguage: 'en', subtitleLanguage: null } }),
      record('show-e2', { kind: 'offset', offsetMs: 1 }, { progressAt: 200, tracks: { audioLanguage: 'fr', subtitleLanguage: 'en', playbackRate: 1.5 } }),
      record('show-e1', { kind: 'offset', offsetMs: 1 }, { terminalId: 'term-bbbbbbbb', progressAt: 50, tracks: { audioLanguage: 'de' } }),
      record('film', { kind: 'offset', offsetMs: 1 }, { progressAt: 300 }),
    ];
    expect(preferredTracks('show-e1', history, programs)).toEqual({ audioLanguage: 'en', subtitleLanguage: null });
    expect(preferredTracks('show-e3', history, programs)).toEqual({ audioLanguage: 'fr', subtitleLanguage: 'en' });
    expect(preferredTracks('film', history, programs)).toBeNull();
  });
});

describe('undetermined languages', () => {
  it('an `und` audio track is no choice to carry', () => {
    const audio = e.audio.map((t, i) => ({ ...t, language: i === 0 ? 'und' : t.language }));
    expect(choiceNow(audio, e.text, false, 1)).toEqual({ subtitleLanguage: null, playbackRate: 1 });
  });
});
