/**
 * Track choices across terminals: which audio language, subtitle language (or none) and speed a
 * viewing starts with. A viewer's choice travels with every report and is stored on the
 * viewing's record; a terminal that starts a programme gets the newest choice made for it — or,
 * for an episode never watched yet, the newest choice made on any episode of its series, so a
 * series is watched in French with English subtitles from the first episode to the last.
 * Environment-free: the access server computes it for a play answer, terminals may too.
 */
import type { Program, TrackChoice, ViewingRecord } from './protocol/model.ts';

/** `incoming` over `stored`, field by field: an absent field leaves the stored one. */
export function mergeTracks(stored: TrackChoice | null | undefined, incoming: TrackChoice | null | undefined): TrackChoice | null {
  if (!incoming) return stored ?? null;
  const out: TrackChoice = { ...(stored ?? {}) };
  if (incoming.audioLanguage !== undefined) out.audioLanguage = incoming.audioLanguage;
  if (incoming.subtitleLanguage !== undefined) out.subtitleLanguage = incoming.subtitleLanguage;
  if (incoming.playbackRate !== undefined) out.playbackRate = incoming.playbackRate;
  return Object.keys(out).length > 0 ? out : null;
}

/** Whether a choice says anything. */
export function hasTracks(t: TrackChoice | null | undefined): t is TrackChoice {
  return !!t && (t.audioLanguage !== undefined || t.subtitleLanguage !== undefined || t.playbackRate !== undefined);
}

/** Newest first: by when the position last moved, then by when the record was written. */
function newer(a: ViewingRecord, b: ViewingRecord): boolean {
  return a.progressAt !== b.progressAt ? a.progressAt > b.progressAt : a.updatedAt > b.updatedAt;
}

/**
 * The choice to start `programId` with, from the user's records (`history`, already narrowed to
 * the watching profile when there are profiles): the newest record of this programme that
 * carries one; else the newest of another episode of the same series (`programs` tells which
 * programmes are episodes of which series); else null.
 */
export function preferredTracks(programId: string, history: readonly ViewingRecord[], programs: readonly Pick<Program, 'id' | 'series'>[]): TrackChoice | null {
  let own: ViewingRecord | null = null;
  for (const r of history) if (r.programId === programId && hasTracks(r.tracks) && (!own || newer(r, own))) own = r;
  if (own?.tracks) return own.tracks;
  const seriesId = programs.find((p) => p.id === programId)?.series?.id;
  if (!seriesId) return null;
  const episodes = new Set(programs.filter((p) => p.series?.id === seriesId).map((p) => p.id));
  let sibling: ViewingRecord | null = null;
  for (const r of history) if (episodes.has(r.programId) && hasTracks(r.tracks) && (!sibling || newer(r, sibling))) sibling = r;
  // Speed is a property of a viewing of one programme, languages are the series' own: a
  // new episode starts at normal speed unless this one was watched faster before.
  if (!sibling?.tracks) return null;
  const { playbackRate: _rate, ...languages } = sibling.tracks;
  return hasTracks(languages) ? languages : null;
}
