/**
 * Breakpoints ↔ media time, the one place that knows both units. VOD: a breakpoint is an
 * integer offset in ms from the programme start, media time is seconds from the start. Live:
 * a breakpoint is the wall-clock moment of the broadcast; Shaka's presentation time t of the
 * live MPD (availabilityStartTime = liveEpochMs, Period start 0) is that moment as
 * liveEpochMs + t·1000.
 */
import type { Breakpoint, ProgramKind } from '../../../common/protocol/model.ts';
import type { PlayResponse } from '../../../common/protocol/stream.ts';

/** Moving back further than this is a deliberate "seek back" (the bad-stop rule's exception). */
export const SEEK_BACK_THRESHOLD_S = 1;

/** The media time of a breakpoint (null when a live breakpoint has no epoch to refer to). */
export function mediaTimeOf(bp: Breakpoint, liveEpochMs: number | null): number | null {
  if (bp.kind === 'offset') return bp.offsetMs / 1000;
  return liveEpochMs === null ? null : (bp.epochMs - liveEpochMs) / 1000;
}

/** Where the player must start for an access server's answer, in media time. */
export function startTimeOf(play: Pick<PlayResponse, 'start' | 'liveEpochMs'>): number | null {
  return mediaTimeOf(play.start, play.liveEpochMs ?? null);
}

/**
 * The breakpoint at media time `t`, or null when there is none to report (no finite time, or
 * a live programme without its epoch). VOD offsets are clamped to [0, duration].
 */
export function breakpointAt(kind: ProgramKind, t: number, liveEpochMs: number | null, durationMs: number): Breakpoint | null {
  if (!Number.isFinite(t) || t < 0) return null;
  if (kind === 'vod') {
    const max = durationMs > 0 ? durationMs : Number.MAX_SAFE_INTEGER;
    return { kind: 'offset', offsetMs: Math.min(max, Math.max(0, Math.round(t * 1000))) };
  }
  if (liveEpochMs === null) return null;
  return { kind: 'wallclock', epochMs: liveEpochMs + Math.round(t * 1000) };
}

/** True when a seek from `from` to `to` (media seconds) moved back deliberately. */
export function isSeekBack(from: number, to: number): boolean {
  return to < from - SEEK_BACK_THRESHOLD_S;
}

/** Clamp a wanted media time into the seekable range, keeping clear of its very ends. */
export function clampSeek(t: number, start: number, end: number): number {
  if (!(end > start)) return Math.max(0, t);
  return Math.min(Math.max(t, start), Math.max(start, end - 0.25));
}
