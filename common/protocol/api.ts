/**
 * Request and response bodies of the public HTTP contract (paths in README / OpenAPI).
 * Route files in server-mock import these; terminals import them to parse replies.
 */
import * as Type from 'typebox';
import type { Static } from 'typebox';
import {
  Breakpoint,
  EpochMillis,
  Id,
  Millis,
  Program,
  ProgramId,
  ProgressStatus,
  ReportId,
  SHOWN_TEXT_PATTERN,
  Terminal,
  TerminalName,
  TerminalType,
  TrackChoice,
  ViewingRecord,
} from './model.ts';
import { Profile } from './profiles.ts';
import { PresenceSession } from './presence.ts';
import { HandoffEvent } from './handoff.ts';
import { RemoteCommandEvent } from './remote.ts';

// ---------------------------------------------------------------- accounts and sessions

/** Account login name: an e-mail-like or plain handle, case-insensitive. */
export const Login = Type.String({ minLength: 3, maxLength: 120, pattern: '^[^\\s\\u0000-\\u001f\\u007f]+$' });
/** Password: at least 8 characters; the upper bound keeps hashing cost bounded. */
export const Password = Type.String({ minLength: 8, maxLength: 200 });

export const RegisterRequest = Type.Object(
  { login: Login, password: Password, displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 80, pattern: SHOWN_TEXT_PATTERN })) },
  { additionalProperties: false },
);
export type RegisterRequest = Static<typeof RegisterRequest>;

/** `owner`: the server's first account, which alone creates further accounts (unless registration is open). */
export const AccountRole = Type.Union([Type.Literal('owner'), Type.Literal('member')]);
export type AccountRole = Static<typeof AccountRole>;

export const Account = Type.Object({
  id: Id,
  login: Login,
  displayName: Type.String(),
  createdAt: EpochMillis,
  /** Always sent by this server; optional so older fixtures still parse. */
  role: Type.Optional(AccountRole),
});
export type Account = Static<typeof Account>;

export const LoginRequest = Type.Object({ login: Login, password: Password }, { additionalProperties: false });
export type LoginRequest = Static<typeof LoginRequest>;

/** A user session: the bearer token is shown once, only its hash is stored. */
export const SessionResponse = Type.Object({ token: Type.String(), expiresAt: EpochMillis, account: Account });
export type SessionResponse = Static<typeof SessionResponse>;

// ---------------------------------------------------------------- terminals

export const RegisterTerminalRequest = Type.Object({ name: TerminalName, type: TerminalType }, { additionalProperties: false });
export type RegisterTerminalRequest = Static<typeof RegisterTerminalRequest>;

/** The terminal credential is shown once; it authenticates the terminal from then on. */
export const RegisterTerminalResponse = Type.Object({ terminal: Terminal, credential: Type.String() });
export type RegisterTerminalResponse = Static<typeof RegisterTerminalResponse>;

export const RenameTerminalRequest = Type.Object(
  {
    /** A new name. */
    name: Type.Optional(TerminalName),
    /** A new terminal type (a phone registered as a PC, say): its catalogue follows at once. */
    type: Type.Optional(TerminalType),
  },
  { additionalProperties: false, minProperties: 1, description: '`PATCH /api/v1/terminals/:id`: a new name, a new type, or both (at least one)' },
);
export type RenameTerminalRequest = Static<typeof RenameTerminalRequest>;

export const TerminalList = Type.Object({ terminals: Type.Array(Terminal) });
export type TerminalList = Static<typeof TerminalList>;

/** Who the caller is (either credential kind). */
export const WhoAmI = Type.Object({ account: Account, terminal: Type.Union([Terminal, Type.Null()]) });
export type WhoAmI = Static<typeof WhoAmI>;

// ---------------------------------------------------------------- history reports

/** Why a report was made; informative, except that it is logged and pushed. */
export const ReportEvent = Type.Union([
  Type.Literal('heartbeat'),
  Type.Literal('pause'),
  Type.Literal('seek'),
  Type.Literal('stop'),
  Type.Literal('timeout'),
]);
export type ReportEvent = Static<typeof ReportEvent>;

/** Fields common to a terminal's own upload and a cluster's report. */
const reportFields = {
  reportId: ReportId,
  programId: ProgramId,
  breakpoint: Breakpoint,
  /** The terminal's own, strictly increasing report counter: orders its reports. */
  seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  event: ReportEvent,
  /** When the position was observed, by the sender's clock (corrected with `sentAt`). */
  observedAt: EpochMillis,
  /** Where this viewing started (a resume point), for the bad-stop rule. */
  resumedFrom: Type.Optional(Breakpoint),
  /** True when the user deliberately moved back during this viewing. */
  seekedBack: Type.Optional(Type.Boolean()),
  /** The play token the access server issued for this viewing (patent [0098]). */
  playToken: Type.Optional(Type.String({ maxLength: 2000 })),
  /** The audio, subtitles and speed the viewing used (absent = unchanged). */
  tracks: Type.Optional(TrackChoice),
  /** Whose viewing it was (a profile of the terminal's household); absent = the terminal's current profile. */
  profileId: Type.Optional(Id),
};

/** One report a terminal kept (offline) and now uploads itself. */
export const TerminalReport = Type.Object(reportFields, { additionalProperties: false });
export type TerminalReport = Static<typeof TerminalReport>;

/** One report a streaming cluster sends on a terminal's behalf (patent ms2 / ms4). */
export const ClusterReport = Type.Object({ ...reportFields, terminalId: Id }, { additionalProperties: false });
export type ClusterReport = Static<typeof ClusterReport>;

/** Maximum reports in one batch. */
export const MAX_REPORTS_PER_BATCH = 500;

/** `POST /api/v1/history/sync`: the sender's clock at sending time lets global undo its skew. */
export const SyncRequest = Type.Object(
  { sentAt: EpochMillis, reports: Type.Array(TerminalReport, { minItems: 1, maxItems: MAX_REPORTS_PER_BATCH }) },
  { additionalProperties: false },
);
export type SyncRequest = Static<typeof SyncRequest>;

/** `POST /global/v1/history`. */
export const ClusterReportBatch = Type.Object(
  { sentAt: EpochMillis, reports: Type.Array(ClusterReport, { minItems: 1, maxItems: MAX_REPORTS_PER_BATCH }) },
  { additionalProperties: false },
);
export type ClusterReportBatch = Static<typeof ClusterReportBatch>;

/**
 * What became of one report: `applied` (the record moved), `kept` (accepted, but the stored
 * breakpoint stays — an unmoved heartbeat or a bad stop), `duplicate` (this report id was
 * seen before), `stale` (an older sequence than the stored one).
 */
export const ReportOutcome = Type.Union([
  Type.Literal('applied'),
  Type.Literal('kept'),
  Type.Literal('duplicate'),
  Type.Literal('stale'),
]);
export type ReportOutcome = Static<typeof ReportOutcome>;

export const ReportResults = Type.Object({
  results: Type.Array(Type.Object({ reportId: ReportId, outcome: ReportOutcome })),
});
export type ReportResults = Static<typeof ReportResults>;

/** `details` of a 4xx for a batch: which reports were refused; nothing of the batch was applied. */
export const RejectedReports = Type.Object({
  rejected: Type.Array(Type.Object({ index: Type.Integer(), reportId: Type.String(), code: Type.String(), message: Type.String() })),
});
export type RejectedReports = Static<typeof RejectedReports>;

// ---------------------------------------------------------------- catalogue and home

/** `GET /global/v1/programs` reply (patent ms1 / ms3-2). History is empty without a terminal. */
export const ProgramsAnswer = Type.Object({
  programs: Type.Array(Program),
  history: Type.Array(ViewingRecord),
  /** Programmes the user removed from Continue watching, with when (epoch ms). */
  hidden: Type.Array(Type.Object({ programId: ProgramId, hiddenAt: EpochMillis })),
  terminal: Type.Union([Terminal, Type.Null()]),
  /**
   * With a terminal: its current profile, whose maturity limit already filtered `programs`
   * and whose history (or the household's, when shared) `history` is.
   */
  profile: Type.Optional(Type.Union([Profile, Type.Null()])),
  /**
   * Without a terminal: the ids of withdrawn programmes (their source is gone; out of the
   * catalogue, their records kept until they age out), so a play of one says so.
   */
  withdrawn: Type.Optional(Type.Array(ProgramId)),
});
export type ProgramsAnswer = Static<typeof ProgramsAnswer>;

/** One other terminal's point for the same programme ("one step away"). */
export const OtherPoint = Type.Object({
  terminalId: Id,
  terminalName: TerminalName,
  terminalType: TerminalType,
  breakpoint: Breakpoint,
  progressAt: EpochMillis,
  percent: Type.Number(),
});

/** One card of the Continue-watching row: one per programme. */
export const ContinueItem = Type.Object({
  program: Program,
  /** The newest in-progress record across the user's terminals. */
  record: ViewingRecord,
  /** 0–100; for live, 0. */
  percent: Type.Number({ minimum: 0, maximum: 100 }),
  /** Time left for VOD (ms); for live, 0. */
  remainingMs: Millis,
  /** The other terminals' in-progress points for this programme, newest first. */
  others: Type.Array(OtherPoint),
});
export type ContinueItem = Static<typeof ContinueItem>;

/** `GET /portal/v1/home`: the calling terminal's home page model. */
export const HomePage = Type.Object({
  terminal: Terminal,
  continueWatching: Type.Array(ContinueItem),
  catalogue: Type.Array(Program),
  /** Per-programme status for this user (newest record), so cards can show "watched". */
  progress: Type.Array(Type.Object({ programId: ProgramId, status: ProgressStatus, percent: Type.Number() })),
  generatedAt: EpochMillis,
  /** Which portal built it (P1, P2 …). */
  portalId: Type.String(),
  /** Who is watching on this terminal (its current profile). */
  profile: Type.Optional(Profile),
});
export type HomePage = Static<typeof HomePage>;

/**
 * One card of the home document's Continue-watching row: a `ContinueItem` without what the
 * terminal can work out itself (common/home-document.ts expands it, exactly). The programme
 * is named by id (it is in the catalogue the terminal holds); terminals are indexes into the
 * document's `terminals`; the record's user is the document's, its programme the card's, its
 * status `in-progress` (the row holds nothing else), its profile the document's unless named;
 * percentages and time left follow from the breakpoints and the programme's runtime.
 */
const CardPoint = {
  /** Index into the document's `terminals`. */
  terminal: Type.Integer({ minimum: 0 }),
  breakpoint: Breakpoint,
  progressAt: EpochMillis,
};
export const HomeCard = Type.Object({
  programId: ProgramId,
  ...CardPoint,
  durationMs: ViewingRecord.properties.durationMs,
  seq: ViewingRecord.properties.seq,
  updatedAt: EpochMillis,
  playToken: ViewingRecord.properties.playToken,
  tracks: ViewingRecord.properties.tracks,
  /** Absent: the document's profile. */
  profileId: Type.Optional(Id),
  /** The other terminals' in-progress points, newest first. */
  others: Type.Array(Type.Object(CardPoint)),
});
export type HomeCard = Static<typeof HomeCard>;

/** A terminal a home document's cards refer to. */
export const HomeTerminal = Type.Object({ id: Id, name: TerminalName, type: TerminalType });
export type HomeTerminal = Static<typeof HomeTerminal>;

/** Which catalogue a home document was built over (`GET /portal/v1/catalogue` serves it). */
export const CatalogueRef = Type.Object({
  /** Derived from the catalogue's content: equal on every portal for equal content. */
  version: Type.String({ minLength: 1, maxLength: 64 }),
  /** Programmes in it (all pages). */
  total: Type.Integer({ minimum: 0 }),
});
export type CatalogueRef = Static<typeof CatalogueRef>;

/**
 * `GET /portal/v2/home`: the per-profile part of the home page only (Continue watching,
 * progress, who is watching) and the version of the terminal's catalogue; a terminal fetches
 * the catalogue (`GET /portal/v1/catalogue`) only when that version is not the one it holds.
 */
export const HomeDocument = Type.Object({
  terminal: Terminal,
  /** The user whose records the cards are. */
  userId: Id,
  terminals: Type.Array(HomeTerminal),
  continueWatching: Type.Array(HomeCard),
  /** Progress of the programmes not on the row (a card's progress is its own point). */
  progress: HomePage.properties.progress,
  catalogue: CatalogueRef,
  generatedAt: EpochMillis,
  portalId: Type.String(),
  profile: Type.Optional(Profile),
});
export type HomeDocument = Static<typeof HomeDocument>;

/** Most programmes in one catalogue page. */
export const CATALOGUE_PAGE_MAX = 1000;

export const CatalogueQuery = Type.Object(
  {
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CATALOGUE_PAGE_MAX, default: CATALOGUE_PAGE_MAX })),
  },
  { additionalProperties: false },
);
export type CatalogueQuery = Static<typeof CatalogueQuery>;

/** `GET /portal/v1/catalogue`: one page of the calling terminal's catalogue (its type, its profile's limit). */
export const CataloguePage = Type.Object({
  version: CatalogueRef.properties.version,
  total: CatalogueRef.properties.total,
  offset: Type.Integer({ minimum: 0 }),
  programs: Type.Array(Program),
});
export type CataloguePage = Static<typeof CataloguePage>;

// ---------------------------------------------------------------- server push

/** One server-sent event to a terminal. `history` = another terminal's record changed. */
export const PushEvent = Type.Union([
  Type.Object({ type: Type.Literal('hello'), terminalId: Id, at: EpochMillis }),
  Type.Object({ type: Type.Literal('history'), record: ViewingRecord, outcome: ReportOutcome, event: ReportEvent }),
  Type.Object({ type: Type.Literal('hidden'), programId: ProgramId, hiddenAt: EpochMillis, profileId: Type.Optional(Id) }),
  Type.Object({ type: Type.Literal('catalogue'), at: EpochMillis }),
  /** A household session opened or moved (now playing, issue 15). */
  Type.Object({ type: Type.Literal('presence'), session: PresenceSession }),
  /** A household session ended (stop, timeout, revocation, or global stopped hearing of it). */
  Type.Object({ type: Type.Literal('presence-ended'), sessionId: Id, terminalId: Id, profileId: Type.Optional(Id) }),
  /** A household session was taken over by another terminal ("Continue here", issue 15). */
  HandoffEvent,
  /** A remote command for this one terminal (issue 15, step 3); scoped to `toTerminalId`. */
  RemoteCommandEvent,
]);
export type PushEvent = Static<typeof PushEvent>;

// ---------------------------------------------------------------- admin

export const ProgramUpsertRequest = Type.Object(
  { programs: Type.Array(Program, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export type ProgramUpsertRequest = Static<typeof ProgramUpsertRequest>;

export const RetentionRunResponse = Type.Object({
  deletedRecords: Type.Integer(),
  deletedReports: Type.Integer(),
  /** Withdrawn programmes forgotten: withdrawn before the cutoff and no record left. */
  deletedPrograms: Type.Integer(),
  cutoff: EpochMillis,
});
export type RetentionRunResponse = Static<typeof RetentionRunResponse>;

