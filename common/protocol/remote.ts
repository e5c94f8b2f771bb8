/**
 * Remote control and "Play on ▸" (issue 15, step 3). A terminal commands a play session of its
 * household and profile that another terminal is playing (`POST /api/v1/remote/commands`):
 * global pushes a `remote` event to the one terminal that must carry it out, over its open
 * push stream, and waits a bounded time for that terminal's answer
 * (`POST /api/v1/remote/answers`): done, or refused with a reason.
 *
 * `play-on` names another terminal (`toTerminalId`, one of `GET /api/v1/remote/targets`):
 * that terminal takes the session over as in "Continue here" (it claims it at global, is
 * admitted with the session's play token, starts at the point; the sender stops, its stop
 * recorded once). Push never carries play tokens: the target claims with its own credential.
 *
 * `POST /api/v1/remote/play-on` plays a **programme** on another terminal when nothing plays it
 * (a Continue-watching card): global pushes a `play-program` command naming the programme and
 * the start it decided from the profile's history (the newest point, as the row's card shows
 * it; none for a programme with no point or a finished one) — never a number the sender sent.
 */
import * as Type from 'typebox';
import type { Static } from 'typebox';
import { Breakpoint, EpochMillis, Id, MediaLanguage, ProgramId, TerminalName, TerminalType } from './model.ts';

/** Seeking by more than this either way is not a remote's ±10 s press (nor a seek bar's). */
export const REMOTE_MAX_DELTA_MS = 6 * 3_600_000;
/** A seek-to beyond this offset is refused by the schema (programmes are shorter). */
export const REMOTE_MAX_OFFSET_MS = 48 * 3_600_000;

const Target = { sessionId: Id };
const strict = { additionalProperties: false } as const;

/** `POST /api/v1/remote/commands`: one command for a household session. */
export const RemoteCommandRequest = Type.Union([
  Type.Object({ ...Target, command: Type.Union([Type.Literal('play'), Type.Literal('pause'), Type.Literal('stop')]) }, strict),
  Type.Object({ ...Target, command: Type.Literal('seek-by'), deltaMs: Type.Integer({ minimum: -REMOTE_MAX_DELTA_MS, maximum: REMOTE_MAX_DELTA_MS }) }, strict),
  Type.Object({ ...Target, command: Type.Literal('seek-to'), offsetMs: Type.Integer({ minimum: 0, maximum: REMOTE_MAX_OFFSET_MS }) }, strict),
  /** Move the viewing to `toTerminalId` (it takes the session over; the session's terminal stops). */
  Type.Object({ ...Target, command: Type.Literal('play-on'), toTerminalId: Id }, strict),
  /** Change nothing; the answer carries the target's tracks (a remote panel opening). */
  Type.Object({ ...Target, command: Type.Literal('status') }, strict),
  /** Play the audio track of `language` (refused `unsupported` when the programme has none). */
  Type.Object({ ...Target, command: Type.Literal('set-audio'), language: MediaLanguage }, strict),
  /** Show the subtitles of `language`, or none (null). */
  Type.Object({ ...Target, command: Type.Literal('set-subtitles'), language: Type.Union([MediaLanguage, Type.Null()]) }, strict),
]);
export type RemoteCommandRequest = Static<typeof RemoteCommandRequest>;
export type RemoteCommandName = RemoteCommandRequest['command'];

/** Most tracks of one kind a remote lists (a programme has a handful of languages). */
export const REMOTE_MAX_TRACKS = 32;

/**
 * The audio and subtitle languages a target's viewing offers, and the ones playing (`null`
 * subtitles = off; `null` audio = not known). Carried by every `done` answer, so a remote
 * panel learns them with its first command (`status`) and sees each change confirmed.
 */
export const RemoteTracks = Type.Object(
  {
    audio: Type.Array(MediaLanguage, { maxItems: REMOTE_MAX_TRACKS }),
    subtitles: Type.Array(MediaLanguage, { maxItems: REMOTE_MAX_TRACKS }),
    audioLanguage: Type.Union([MediaLanguage, Type.Null()]),
    subtitleLanguage: Type.Union([MediaLanguage, Type.Null()]),
  },
  strict,
);
export type RemoteTracks = Static<typeof RemoteTracks>;

/** `POST /api/v1/remote/play-on`: play `programId` on `toTerminalId`, at this profile's point. */
export const RemotePlayOnRequest = Type.Object({ programId: ProgramId, toTerminalId: Id }, strict);
export type RemotePlayOnRequest = Static<typeof RemotePlayOnRequest>;

/** The answer once the target started the programme (a refusal is a 409 REMOTE_REFUSED). */
export const RemotePlayOnAnswer = Type.Object({
  commandId: Id,
  outcome: Type.Literal('done'),
  /** The terminal that plays it now. */
  terminalId: Id,
  programId: ProgramId,
  /** Where it started (null: from the beginning / the live edge). */
  start: Type.Union([Breakpoint, Type.Null()]),
});
export type RemotePlayOnAnswer = Static<typeof RemotePlayOnAnswer>;

/** The answer once the target carried the command out (a refusal is a 409 REMOTE_REFUSED). */
export const RemoteCommandAnswer = Type.Object({
  commandId: Id,
  outcome: Type.Literal('done'),
  /** The terminal that carried it out. */
  terminalId: Id,
  /** Its tracks after the command, when it is playing the session (not for play-on). */
  tracks: Type.Optional(RemoteTracks),
});
export type RemoteCommandAnswer = Static<typeof RemoteCommandAnswer>;

/** Why a target refused a command. */
export const RemoteRefusal = Type.Union([
  /** It is not playing that session (any more). */
  Type.Literal('not-playing'),
  /** It is busy (starting another viewing, a dialog open; for play-program: playing another programme). */
  Type.Literal('busy'),
  /** It may not (another profile watches there, the programme is above its limit). */
  Type.Literal('not-allowed'),
  /** Not possible for this programme (a seek-to on a live channel). */
  Type.Literal('unsupported'),
  /** It tried and failed. */
  Type.Literal('failed'),
]);
export type RemoteRefusal = Static<typeof RemoteRefusal>;

/** `POST /api/v1/remote/answers`: the target's answer to a pushed command. */
export const RemoteAnswerRequest = Type.Union([
  Type.Object({ commandId: Id, ok: Type.Literal(true), tracks: Type.Optional(RemoteTracks) }, strict),
  Type.Object({ commandId: Id, ok: Type.Literal(false), reason: RemoteRefusal }, strict),
]);
export type RemoteAnswerRequest = Static<typeof RemoteAnswerRequest>;

export const RemoteAnswerAccepted = Type.Object({ accepted: Type.Literal(true) });
export type RemoteAnswerAccepted = Static<typeof RemoteAnswerAccepted>;

/** A terminal that can be commanded now: same household and profile, push stream open. */
export const RemoteTarget = Type.Object({ terminalId: Id, name: TerminalName, type: TerminalType });
export type RemoteTarget = Static<typeof RemoteTarget>;

/** `GET /api/v1/remote/targets`. */
export const RemoteTargetList = Type.Object({ terminals: Type.Array(RemoteTarget) });
export type RemoteTargetList = Static<typeof RemoteTargetList>;

/** Push to exactly one terminal (`toTerminalId`): carry this command out and answer it. */
export const RemoteCommandEvent = Type.Object({
  type: Type.Literal('remote'),
  commandId: Id,
  /** The terminal that must act (the session's, or a `play-on`'s new one). */
  toTerminalId: Id,
  fromTerminalId: Id,
  fromTerminalName: TerminalName,
  /** The session commanded; a `play-program` has none yet (its `programId` and `start` instead). */
  sessionId: Type.Optional(Id),
  command: Type.Union([
    Type.Literal('play'),
    Type.Literal('pause'),
    Type.Literal('stop'),
    Type.Literal('seek-by'),
    Type.Literal('seek-to'),
    Type.Literal('play-on'),
    Type.Literal('status'),
    Type.Literal('set-audio'),
    Type.Literal('set-subtitles'),
    /** Open `programId` at `start` (global's pick from the profile's history). */
    Type.Literal('play-program'),
  ]),
  programId: Type.Optional(ProgramId),
  /** play-program: where to start (null: from the beginning / the live edge). */
  start: Type.Optional(Type.Union([Breakpoint, Type.Null()])),
  /** play-program: the terminal the point was left on (the "Resuming … from" notice). */
  startTerminalName: Type.Optional(Type.Union([TerminalName, Type.Null()])),
  deltaMs: Type.Optional(Type.Integer()),
  offsetMs: Type.Optional(Type.Integer({ minimum: 0 })),
  /** set-audio: the language; set-subtitles: the language, or null for off. */
  language: Type.Optional(Type.Union([MediaLanguage, Type.Null()])),
  at: EpochMillis,
});
export type RemoteCommandEvent = Static<typeof RemoteCommandEvent>;
