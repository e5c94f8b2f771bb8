/**
 * The account-lifecycle part of the public HTTP contract (paths in README / OpenAPI):
 * registration policy, password change, sign out everywhere, account deletion, data export,
 * and the revocation feed global gives streaming clusters and portals. Route files in
 * server-mock import these; terminals import them to parse replies.
 */
import * as Type from 'typebox';
import type { Static } from 'typebox';
import { Account, Password } from './api.ts';
import { Profile } from './profiles.ts';
import { Breakpoint, EpochMillis, Id, Millis, ProgramId, ProgressStatus, Terminal, TerminalName, TerminalType, TrackChoice } from './model.ts';

/** `GET /api/v1/registration`: what the sign-in screen may offer. */
export const RegistrationPolicy = Type.Object({
  /** Anyone may create an account (`--open-registration`, or the server has no account yet). */
  open: Type.Boolean(),
  /** The server has no account yet: the next account created becomes its owner. */
  needsOwner: Type.Boolean(),
});
export type RegistrationPolicy = Static<typeof RegistrationPolicy>;

/**
 * `POST /api/v1/account/password`. With a user session the caller's session is kept; with a
 * terminal credential that terminal is kept. Every other user session ends; every other
 * terminal is signed out unless `signOutTerminals` is false (default true: a changed password
 * usually means the old one leaked, and whoever had it may have registered a terminal).
 */
export const ChangePasswordRequest = Type.Object(
  {
    oldPassword: Password,
    newPassword: Password,
    /** Sign out every other terminal too (default true). */
    signOutTerminals: Type.Optional(Type.Boolean()),
    /** With a user session: one terminal to keep signed in (the device the person is using). */
    keepTerminalId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type ChangePasswordRequest = Static<typeof ChangePasswordRequest>;

/** What a revoking call ended. */
export const RevocationSummary = Type.Object({
  /** User sessions (`ras_…`) ended. */
  endedSessions: Type.Integer({ minimum: 0 }),
  /** Terminals signed out (credential revoked, play tokens dead, push streams closed). */
  signedOutTerminals: Type.Integer({ minimum: 0 }),
});
export type RevocationSummary = Static<typeof RevocationSummary>;

/** `POST /api/v1/account/delete`: the password again, so a stolen device cannot do it. */
export const DeleteAccountRequest = Type.Object({ password: Password }, { additionalProperties: false });
export type DeleteAccountRequest = Static<typeof DeleteAccountRequest>;

/** What the deletion removed (all in one transaction). */
export const DeleteAccountResponse = Type.Object({
  deleted: Type.Object({
    accounts: Type.Integer({ minimum: 0 }),
    terminals: Type.Integer({ minimum: 0 }),
    historyRecords: Type.Integer({ minimum: 0 }),
    hiddenProgrammes: Type.Integer({ minimum: 0 }),
    sessions: Type.Integer({ minimum: 0 }),
    deviceCodes: Type.Integer({ minimum: 0 }),
    reportIds: Type.Integer({ minimum: 0 }),
    profiles: Type.Integer({ minimum: 0 }),
  }),
});
export type DeleteAccountResponse = Static<typeof DeleteAccountResponse>;

/** A terminal in an export: also the ones signed out (their history is kept). */
export const ExportedTerminal = Type.Object({
  id: Id,
  name: TerminalName,
  type: TerminalType,
  createdAt: EpochMillis,
  lastSeenAt: Type.Union([EpochMillis, Type.Null()]),
  /** When it was signed out; null while it is signed in. */
  signedOutAt: Type.Union([EpochMillis, Type.Null()]),
});
export type ExportedTerminal = Static<typeof ExportedTerminal>;

/** One viewing record in an export (no play token: that is a credential, not data). */
export const ExportedRecord = Type.Object({
  terminalId: Id,
  terminalName: Type.String(),
  terminalType: TerminalType,
  programId: ProgramId,
  breakpoint: Breakpoint,
  durationMs: Millis,
  seq: Type.Integer({ minimum: 0 }),
  progressAt: EpochMillis,
  updatedAt: EpochMillis,
  status: ProgressStatus,
  profileId: Type.Optional(Id),
  /** The viewing's audio, subtitles and speed, when it reported any. */
  tracks: Type.Optional(TrackChoice),
});

/** `GET /api/v1/account/export`: everything the server keeps about the account. */
export const AccountExport = Type.Object({
  format: Type.Literal('resume-anywhere-export/1'),
  exportedAt: EpochMillis,
  account: Account,
  terminals: Type.Array(ExportedTerminal),
  history: Type.Array(ExportedRecord),
  hidden: Type.Array(Type.Object({ programId: ProgramId, hiddenAt: EpochMillis })),
  /** The household's profiles (no PINs); history records name theirs in `profileId`. */
  profiles: Type.Optional(Type.Array(Profile)),
});
export type AccountExport = Static<typeof AccountExport>;

/** What a terminal is playing, as far as global knows (its cluster forwards heartbeats). */
export const NowPlaying = Type.Object({
  programId: ProgramId,
  breakpoint: Breakpoint,
  /** The profile watching. */
  profileId: Type.Optional(Id),
  /** Paused rather than playing. */
  paused: Type.Boolean(),
  /** When global last heard of it. */
  updatedAt: EpochMillis,
});
export type NowPlaying = Static<typeof NowPlaying>;

/** One row of the Devices screen: a terminal, who is watching on it and what it plays now. */
// A flat object (the terminal's properties and two more), not Type.Intersect: the renderer
// bundles this schema, and Intersect pulls TypeBox's type engine into its script.
export const Device = Type.Object({
  ...Terminal.properties,
  /** Its current profile (a terminal that never chose one has the household's first). */
  profileId: Type.Union([Id, Type.Null()]),
  /** Null when it is not playing (nothing heard for a while, or stopped). */
  nowPlaying: Type.Union([NowPlaying, Type.Null()]),
});
export type Device = Static<typeof Device>;

/** `GET /api/v1/terminals`: the household's signed-in terminals, oldest first. */
export const DeviceList = Type.Object({ terminals: Type.Array(Device) });
export type DeviceList = Static<typeof DeviceList>;

// ---------------------------------------------------------------- revocation feed (role to role)

/**
 * One revocation: every credential derived from the subject is dead from `at` on. `terminal`:
 * its credential, push streams, play sessions and every play token naming it (`t`); `user`:
 * the same for every terminal of the account (deleted) and every play token naming it (`u`).
 * Terminal and user ids are never reused, so an entry needs no epoch: it holds until every
 * token issued before it has expired.
 */
export const Revocation = Type.Object({
  kind: Type.Union([Type.Literal('terminal'), Type.Literal('user')]),
  subjectId: Id,
  at: EpochMillis,
});
export type Revocation = Static<typeof Revocation>;

/**
 * `GET /global/v1/revocations` is SSE: first `event: revocations` with `snapshot: true` and
 * every revocation younger than the longest play-token lifetime, then each new one as it
 * happens (`snapshot: false`), and a comment every few seconds so a silent global is noticed.
 */
export const RevocationBatch = Type.Object({ snapshot: Type.Boolean(), entries: Type.Array(Revocation) });
export type RevocationBatch = Static<typeof RevocationBatch>;
