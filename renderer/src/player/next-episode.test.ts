import { describe, expect, it } from 'vitest';
import type { Program } from '../../../common/protocol/model.ts';
import { vod as program } from '../testing/fixtures.ts';
import { nextEpisode } from './next-episode.ts';

const ep = (id: string, season: number, episode: number, series = 'harbour'): Program => ({ ...program(id), series: { id: series, title: 'Harbour Stories', season, episode } });

describe('nextEpisode', () => {
  const s1e1 = ep('s1e1', 1, 1);
  const s1e2 = ep('s1e2', 1, 2);
  const s1e4 = ep('s1e4', 1, 4);
  const s2e1 = ep('s2e1', 2, 1);
  const special = ep('special', 0, 1);
  const other = ep('other-s1e2', 1, 2, 'other');
  const catalogue = [s2e1, special, s1e4, other, s1e2, s1e1, program('film')];

  it('the next episode of the season, skipping gaps', () => {
    expect(nextEpisode(s1e1, catalogue)?.id).toBe('s1e2');
    expect(nextEpisode(s1e2, catalogue)?.id).toBe('s1e4');
  });
  it('the first episode of the next season after the last of a season', () => {
    expect(nextEpisode(s1e4, catalogue)?.id).toBe('s2e1');
  });
  it('none after the last episode, for a film, or for a special', () => {
    expect(nextEpisode(s2e1, catalogue)).toBeNull();
    expect(nextEpisode(program('film'), catalogue)).toBeNull();
    expect(nextEpisode(special, catalogue)).toBeNull();
  });
  it('only episodes of the same series, and only what this terminal lists', () => {
    expect(nextEpisode(ep('x', 1, 1, 'other'), catalogue)?.id).toBe('other-s1e2');
    expect(nextEpisode(ep('y', 1, 2, 'other'), catalogue)).toBeNull();
    expect(nextEpisode(s1e1, [s1e1, s2e1])?.id).toBe('s2e1');
  });
});
