/**
 * The streaming role's contract (access server + play sessions), shared by the server and
 * every terminal's player.
 */
import * as Type from 'typebox';
import type { Static } from 'typebox';
import { Breakpoint, EpochMillis, Id, Millis, Program, ProgramId, TrackChoice } from './model.ts';

/** Manifest flavour a terminal asks for. */
export const StreamProtocol = Type.Union([Type.Literal('dash'), Type.Literal('hls')]);
export type StreamProtocol = Static<typeof StreamProtocol>;

/** A play token as it travels (opaque to terminals). */
export const PlayToken = Type.String({ minLength: 10, maxLength: 2000 });

/**
 * `POST /stream/v1/play`. Authenticate with the terminal credential (Authorization header),
 * or — patent [0098] — present another terminal's play token of the same user together with
 * your own terminal id, and be admitted without a new authentication.
 */
export const PlayRequest = Type.Object(
  {
    programId: ProgramId,
    /** Where to start: a VOD offset, or a live wall-clock moment. Absent = from the start / live edge. */
    breakpoint: Type.Optional(Breakpoint),
    /** A play token issued to one of this user's terminals for this programme. */
    playToken: Type.Optional(PlayToken),
    /** This terminal's id, required when admitted on a play token alone. */
    terminalId: Type.Optional(Id),
    protocol: Type.Optional(StreamProtocol),
    /**
     * "Continue here" (issue 15): `playToken` is the session this terminal took over; the
     * access server then also requires the token's profile to be this terminal's current one.
     */
    handoff: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PlayRequest = Static<typeof PlayRequest>;

/** Why a live start is at the live edge rather than the asked moment. */
export const LiveEdgeReason = Type.Union([
  Type.Literal('no-breakpoint'),
  Type.Literal('outside-window'),
  Type.Literal('in-future'),
]);
export type LiveEdgeReason = Static<typeof LiveEdgeReason>;

export const PlayResponse = Type.Object({
  sessionId: Id,
  /** Send it as `Authorization: Bearer` on media, heartbeat and stop requests (or `?token=`). */
  playToken: PlayToken,
  tokenExpiresAt: EpochMillis,
  manifestUrl: Type.String(),
  protocol: StreamProtocol,
  /** Where the player must start. */
  start: Breakpoint,
  /** Live only: true when starting at the live edge; `liveEdgeReason` says why. */
  atLiveEdge: Type.Boolean(),
  liveEdgeReason: Type.Optional(LiveEdgeReason),
  /** Live only: the manifest's availabilityStartTime (epoch ms), to turn wall clock into media time. */
  liveEpochMs: Type.Optional(EpochMillis),
  heartbeatIntervalMs: Millis,
  /** The terminal's report sequence must continue above this (global's highest for it). */
  minSeq: Type.Integer({ minimum: 0 }),
  program: Program,
  clusterId: Type.String(),
  /** True when admitted on another terminal's play token (no new authentication). */
  admittedByToken: Type.Boolean(),
  /**
   * The audio, subtitles and speed to start with: this user's newest choice for this
   * programme, else for the newest-watched episode of its series (absent = none known).
   */
  tracks: Type.Optional(TrackChoice),
  /**
   * Whose viewing this is (the terminal's profile when it was admitted). A report the terminal
   * keeps offline names it, so it lands in this profile's history even if the terminal has
   * switched profile by the time it is uploaded.
   */
  profileId: Type.Optional(Id),
});
export type PlayResponse = Static<typeof PlayResponse>;

/** Heartbeat events (a subset of report events). */
export const HeartbeatEvent = Type.Union([Type.Literal('heartbeat'), Type.Literal('pause'), Type.Literal('seek')]);

/** `POST /stream/v1/sessions/:id/heartbeat`. */
export const HeartbeatRequest = Type.Object(
  {
    position: Breakpoint,
    /** The terminal's report sequence: strictly increasing across all its reports. */
    seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    event: Type.Optional(HeartbeatEvent),
    seekedBack: Type.Optional(Type.Boolean()),
    /** The audio, subtitles and speed playing now (absent = unchanged). */
    tracks: Type.Optional(TrackChoice),
    /**
     * Whether the player is playing or paused (issue 15). A player sends it with every heartbeat
     * and an immediate heartbeat when it resumes, so global's now playing — and a handoff's
     * point — advances from the moment playback resumed. Absent (older players): inferred, a
     * `pause` event pauses and a heartbeat whose position moved plays.
     */
    state: Type.Optional(
      Type.Union([Type.Literal('playing'), Type.Literal('paused')], {
        description: 'playing or paused now; absent = inferred from pause events and moving positions',
      }),
    ),
  },
  { additionalProperties: false },
);
export type HeartbeatRequest = Static<typeof HeartbeatRequest>;

export const HeartbeatResponse = Type.Object({
  /** A renewed token: use it from now on. */
  playToken: PlayToken,
  tokenExpiresAt: EpochMillis,
  nextHeartbeatMs: Millis,
  /** `stale` when the seq was not above the session's last one (a retry): nothing changed. */
  result: Type.Union([Type.Literal('applied'), Type.Literal('stale')]),
});
export type HeartbeatResponse = Static<typeof HeartbeatResponse>;

/** `POST /stream/v1/sessions/:id/stop`. */
export const StopRequest = Type.Object(
  {
    position: Breakpoint,
    seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    seekedBack: Type.Optional(Type.Boolean()),
    /** The audio, subtitles and speed at the stop (absent = unchanged). */
    tracks: Type.Optional(TrackChoice),
  },
  { additionalProperties: false },
);
export type StopRequest = Static<typeof StopRequest>;

export const StopResponse = Type.Object({
  /** The breakpoint recorded for this terminal (queued durably for global). */
  breakpoint: Breakpoint,
  result: Type.Union([Type.Literal('applied'), Type.Literal('stale'), Type.Literal('already-stopped')]),
});
export type StopResponse = Static<typeof StopResponse>;

