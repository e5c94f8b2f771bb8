/**
 * Now playing (issue 15, step 1): the open play sessions of a household, as global knows them.
 * Clusters report every session change (open, heartbeat, pause, seek, stop, timeout) to global
 * with `POST /global/v1/presence` (service credential); global keeps them in memory, pushes each
 * change as a `presence` event (profile-scoped like history) and answers `GET /api/v1/presence`.
 */
import * as Type from 'typebox';
import type { Static } from 'typebox';
import { Breakpoint, EpochMillis, Id, PlaybackRate, ProgramId, TerminalName, TerminalType } from './model.ts';

/** One open play session of the household, as a terminal's home page shows it. */
export const PresenceSession = Type.Object({
  /** The cluster's play-session id. */
  sessionId: Id,
  /** The terminal playing, its name and type. */
  terminalId: Id,
  terminalName: TerminalName,
  terminalType: TerminalType,
  /** The profile watching (absent: the household has no profiles yet). */
  profileId: Type.Optional(Id),
  programId: ProgramId,
  /** Last known position (VOD offset, live wall-clock moment). */
  position: Breakpoint,
  /** Paused rather than playing (a playing position advances by the wall clock from `at`). */
  paused: Type.Boolean(),
  /** Opened, no heartbeat yet (the player may still be buffering): its position does not advance. */
  starting: Type.Optional(Type.Literal(true)),
  /** The speed it plays at, when not normal: a playing position advances this much faster. */
  rate: Type.Optional(PlaybackRate),
  /** Global's clock when the position was observed. */
  at: EpochMillis,
});
export type PresenceSession = Static<typeof PresenceSession>;

/** `GET /api/v1/presence`: the household's open sessions (this profile's) and global's clock. */
export const PresenceList = Type.Object({ sessions: Type.Array(PresenceSession), now: EpochMillis });
export type PresenceList = Static<typeof PresenceList>;

/** One session change a cluster reports. `open: false` = ended (stop, timeout, revocation). */
export const PresenceUpdate = Type.Object(
  {
    sessionId: Id,
    userId: Id,
    terminalId: Id,
    profileId: Type.Union([Id, Type.Null()]),
    programId: ProgramId,
    position: Breakpoint,
    paused: Type.Boolean(),
    /** No heartbeat yet since the session opened. */
    starting: Type.Optional(Type.Boolean()),
    /** The speed the terminal last reported, when not normal (absent = 1). */
    rate: Type.Optional(PlaybackRate),
    open: Type.Boolean(),
    /**
     * The session's current play token, so global can hand it to the terminal that takes the
     * session over (issue 15). Kept by global, never pushed.
     */
    playToken: Type.Optional(Type.String({ minLength: 10, maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type PresenceUpdate = Static<typeof PresenceUpdate>;

/** `POST /global/v1/presence` body: a batch of session changes, oldest first. */
export const PresenceReport = Type.Object(
  { updates: Type.Array(PresenceUpdate, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);
export type PresenceReport = Static<typeof PresenceReport>;

/** Reply to a presence report: how many updates global applied (unknown terminals are skipped). */
export const PresenceReportAnswer = Type.Object({ applied: Type.Integer({ minimum: 0 }) });
export type PresenceReportAnswer = Static<typeof PresenceReportAnswer>;
