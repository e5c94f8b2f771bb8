/**
 * The languages carried from one episode to the next within this page: "Next episode" hands
 * them over before navigating, the next viewing takes them when it opens (they win over the
 * server's, whose record of the finished episode may still be on its way to global).
 */
import type { TrackChoice } from '../../../common/protocol/model.ts';

let carried: { programId: string; tracks: TrackChoice } | null = null;

/** Hand `tracks`' languages to the next viewing of `programId` (speed stays with its programme). */
export function carryTracks(programId: string, tracks: TrackChoice): void {
  const { playbackRate: _speed, ...languages } = tracks;
  carried = { programId, tracks: languages };
}

/** The languages handed to `programId`, once; null when none. */
export function takeCarried(programId: string): TrackChoice | null {
  const c = carried;
  carried = null;
  return c && c.programId === programId ? c.tracks : null;
}
