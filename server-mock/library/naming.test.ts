import { describe, expect, it } from 'vitest';
import { normalizeLanguage } from './languages.ts';
import { parseEpisode, sidecarPoster, sidecarSubtitles, slug, titleFromName } from './naming.ts';

describe('naming', () => {
  it('reads series, season, episode and the episode title from Show/Season 1/Show - S01E02 - Title.mkv', () => {
    expect(parseEpisode('/lib/Harbour Stories/Season 1/Harbour Stories - S01E02 - The Night Ferry.mkv')).toEqual({
      series: { id: 'harbour-stories', title: 'Harbour Stories', season: 1, episode: 2 },
      episodeTitle: 'The Night Ferry',
    });
  });
  it('reads dotted release names and NxNN, and takes the show from the folders when the name has none', () => {
    expect(parseEpisode('/x/The.Show.S02E10.1080p.WEB-DL.x264.mkv')?.series).toEqual({ id: 'the-show', title: 'The Show', season: 2, episode: 10 });
    expect(parseEpisode('/x/Show 3x04 Finale.mp4')).toMatchObject({ series: { season: 3, episode: 4 }, episodeTitle: 'Finale' });
    expect(parseEpisode('/tv/Night Trains/Season 2/S02E01.mkv')?.series).toMatchObject({ title: 'Night Trains', season: 2, episode: 1 });
    expect(parseEpisode('/films/Some Film (2019).mkv')).toBeNull();
  });
  it('makes titles from names without release noise', () => {
    expect(titleFromName('/a/Some.Film.2019.1080p.BluRay.x264.mkv')).toBe('Some Film 2019');
    expect(titleFromName('/a/My Holiday (2024).mp4')).toBe('My Holiday (2024)');
  });
  it('finds sidecar subtitles with their language and the poster', () => {
    const siblings = ['film.mkv', 'film.zh.srt', 'film.en.forced.vtt', 'film.srt', 'other.en.srt', 'poster.jpg'];
    expect(sidecarSubtitles('/d/film.mkv', siblings)).toEqual([
      { file: '/d/film.en.forced.vtt', language: 'en', forced: true },
      { file: '/d/film.srt', language: 'und', forced: false },
      { file: '/d/film.zh.srt', language: 'zh', forced: false },
    ]);
    expect(sidecarPoster('/d/film.mkv', siblings)).toBe('/d/poster.jpg');
    expect(sidecarPoster('/d/film.mkv', ['film.mkv'])).toBeNull();
  });
  it('normalises container languages to BCP-47', () => {
    expect(['eng', 'chi', 'zho', 'fre', 'zh-cn', '', 'und', 'xx!'].map(normalizeLanguage)).toEqual(['en', 'zh', 'zh', 'fr', 'zh-CN', 'und', 'und', 'und']);
  });
  it('slugs', () => {
    expect(slug('Crème Brûlée: The Movie!')).toBe('creme-brulee-the-movie');
    expect(slug('港湾')).toBe('');
  });
});
