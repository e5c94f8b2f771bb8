/**
 * The episode after a programme: same series id, the next episode of the same season, else the
 * first episode of a later season, among the programmes this terminal lists (its catalogue).
 * Specials (season 0) come after nothing and lead nowhere: they stand alone.
 */
import type { Program } from '../../../common/protocol/model.ts';

/** The next episode of `program` in `catalogue`, or null (not an episode, or the last one). */
export function nextEpisode(program: Pick<Program, 'id' | 'series'>, catalogue: readonly Program[]): Program | null {
  const s = program.series;
  if (!s || s.season === 0) return null;
  let best: Program | null = null;
  for (const p of catalogue) {
    const o = p.series;
    if (!o || o.id !== s.id || p.id === program.id || o.season === 0) continue;
    const after = o.season > s.season || (o.season === s.season && o.episode > s.episode);
    if (!after) continue;
    const b = best?.series;
    if (!b || o.season < b.season || (o.season === b.season && o.episode < b.episode)) best = p;
  }
  return best;
}
