/**
 * Live handoff (issue 15, step 2 "Continue here"): terminal B takes over a play session that
 * terminal A of the same household and profile is playing. B claims the session at global
 * (`POST /api/v1/handoff/claim`); exactly one claim of a session wins. The winner gets the
 * handoff point (A's position at the claim, advanced by the wall clock while A played) and A's
 * play token, with which the access server admits B (patent [0098]/[0108]). A is told with a
 * `handoff` push event and stops; global records A's stop at the handoff point itself.
 */
import * as Type from 'typebox';
import type { Static } from 'typebox';
import { Breakpoint, EpochMillis, Id, PlaybackRate, ProgramId, TerminalName, TerminalType } from './model.ts';
import { PlayToken } from './stream.ts';

/** `POST /api/v1/handoff/claim`: take over this household session. */
export const HandoffClaimRequest = Type.Object({ sessionId: Id }, { additionalProperties: false });
export type HandoffClaimRequest = Static<typeof HandoffClaimRequest>;

/** The winner's answer: where to start and the token to be admitted with. */
export const HandoffClaim = Type.Object({
  /** The session taken over (A's). */
  sessionId: Id,
  programId: ProgramId,
  /** The terminal that was playing. */
  fromTerminalId: Id,
  fromTerminalName: TerminalName,
  fromTerminalType: TerminalType,
  /** A's position at `at` (VOD offset; live: the broadcast's wall-clock moment). */
  point: Breakpoint,
  /** Global's clock when `point` held; a playing point advances by the wall clock from it. */
  at: EpochMillis,
  /** False when A was paused: the point stays put. */
  playing: Type.Boolean(),
  /** A's speed, when not normal: a playing point advances this much faster than the clock. */
  rate: Type.Optional(PlaybackRate),
  /** A's play token: present it to the access server with `handoff: true`. */
  playToken: PlayToken,
});
export type HandoffClaim = Static<typeof HandoffClaim>;

/** Push to the household: a session was taken over (its terminal stops; others drop its card). */
export const HandoffEvent = Type.Object({
  type: Type.Literal('handoff'),
  sessionId: Id,
  programId: ProgramId,
  fromTerminalId: Id,
  toTerminalId: Id,
  toTerminalName: TerminalName,
  toTerminalType: TerminalType,
  /** Where the taken-over terminal's viewing was recorded as stopped. */
  point: Breakpoint,
  at: EpochMillis,
  profileId: Type.Optional(Id),
});
export type HandoffEvent = Static<typeof HandoffEvent>;

/**
 * A breakpoint advanced by `elapsedMs` of playing at `rate` (VOD capped at `durationMs` when
 * given): at 1.5× a minute of the clock is a minute and a half of the programme.
 */
export function advancePoint(point: Breakpoint, elapsedMs: number, durationMs?: number, rate = 1): Breakpoint {
  // Whole milliseconds: breakpoints are integers on the wire.
  const dt = Math.max(0, Math.round(elapsedMs * rate));
  if (point.kind === 'wallclock') return { kind: 'wallclock', epochMs: point.epochMs + dt };
  const offsetMs = point.offsetMs + dt;
  return { kind: 'offset', offsetMs: durationMs !== undefined ? Math.min(offsetMs, durationMs) : offsetMs };
}
