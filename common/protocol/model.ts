/**
 * Domain objects on the wire, as TypeBox schemas (plain JSON Schema at run time) with the
 * TypeScript types inferred from them. The server validates with these, the OpenAPI document
 * is generated from them, and terminals parse what they receive with them: one source.
 *
 * Units: every duration and offset is an integer number of milliseconds; every wall-clock
 * instant is integer epoch milliseconds (UTC). Times meant for people are ISO-8601 strings.
 */
import * as Type from 'typebox';
import type { Static, TSchema } from 'typebox';

/** Opaque identifiers the server mints (users, terminals, sessions): URL-safe, 8–64 chars. */
export const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$', description: 'Server-minted opaque id' });

/** Programme ids are chosen by the catalogue editor: lower-case slug. */
export const ProgramId = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
  description: 'Programme id (lower-case slug, 1–64 chars)',
});
export type ProgramId = Static<typeof ProgramId>;

/** Idempotency key of one history report, chosen by whoever first creates the report. */
export const ReportId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{8,100}$', description: 'Idempotency key' });

/** The patent's three terminal kinds: set-top box, mobile, internet (PC). */
export const TerminalType = Type.Union([Type.Literal('stb'), Type.Literal('mobile'), Type.Literal('pc')]);
export type TerminalType = Static<typeof TerminalType>;
/** All terminal types, in display order. */
export const TERMINAL_TYPES: readonly TerminalType[] = ['stb', 'mobile', 'pc'];

/**
 * Text a person chose to be shown (a terminal's, a profile's, an account's name): no control
 * characters. They would break the line they are shown on, a TV's or a log's, and PostgreSQL
 * cannot store U+0000 at all (it refused the write: a 500 where a 400 belongs).
 */
export const SHOWN_TEXT_PATTERN = '^[^\\u0000-\\u001f\\u007f]*$';

/** A human-chosen terminal name ("Living-room TV"). */
export const TerminalName = Type.String({ minLength: 1, maxLength: 60, pattern: SHOWN_TEXT_PATTERN });

/** Milliseconds, non-negative integer, at most ~31 years (keeps arithmetic exact). */
export const Millis = Type.Integer({ minimum: 0, maximum: 1e12 });
/** Epoch milliseconds between 2000-01-01 and 2200-01-01. */
export const EpochMillis = Type.Integer({ minimum: 946_684_800_000, maximum: 7_258_118_400_000 });

/**
 * The breakpoint (播放断点信息). VOD: offset from programme start. Live: the absolute
 * wall-clock moment of the broadcast (patent [0046]). The patent's third form, a data
 * position, is not offered: DASH/HLS players seek by time, never by byte.
 */
export const Breakpoint = Type.Union([
  Type.Object({ kind: Type.Literal('offset'), offsetMs: Millis }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('wallclock'), epochMs: EpochMillis }, { additionalProperties: false }),
]);
export type Breakpoint = Static<typeof Breakpoint>;

/** Programme kind: on demand, or a live channel. */
export const ProgramKind = Type.Union([Type.Literal('vod'), Type.Literal('live')]);
export type ProgramKind = Static<typeof ProgramKind>;

/**
 * Where one streaming cluster serves a programme: a path relative to its media root, or an
 * absolute `https://` URL of a manifest on an operator's CDN (patent [0053]: each streaming
 * server has its own link). With a CDN link the access server still admits the terminal and
 * issues the play token; the terminal fetches the media from the CDN (docs/CDN.md).
 */
export const ProgramLink = Type.Object(
  {
    /** The cluster this link belongs to; absent = any cluster that holds the media. */
    clusterId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' })),
    /** DASH manifest: a path such as `sintel/manifest.mpd`, or `https://cdn…/manifest.mpd`. */
    dash: Type.String({ minLength: 1, maxLength: 2000, pattern: '^(https://[^\\s]+|[^:\\s]+)$' }),
    /** HLS master playlist (path or https URL), if the cluster also offers HLS. */
    hls: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, pattern: '^(https://[^\\s]+|[^:\\s]+)$' })),
  },
  { additionalProperties: false },
);
export type ProgramLink = Static<typeof ProgramLink>;

/** A BCP-47 language tag as used for catalogue texts (`en`, `zh-CN`). */
// Typed as string: a literal pattern would give the records a template-literal key type.
const LANGUAGE_TAG_PATTERN: string = '^[a-zA-Z-]{2,20}$';
export const LanguageTag = Type.String({ pattern: LANGUAGE_TAG_PATTERN });

/**
 * Texts keyed by language tag (`{ "zh-CN": "…" }`). `RecordFromPattern` is the plain builder
 * (`{ type: 'object', patternProperties }`, the same schema `ByLanguage(…)` gives):
 * `Type.Record` goes through TypeBox's type engine, ~10 KB of script a set-top box would load
 * for nothing (docs/BENCHMARKS.md, issue 17 part 4).
 */
export const ByLanguage = <T extends TSchema>(value: T) => Type.RecordFromPattern(LANGUAGE_TAG_PATTERN, value);

/** Minimum viewer age of a programme or the limit of a profile: 0 (all ages) to 21. */
export const AgeRating = Type.Integer({ minimum: 0, maximum: 21 });

/** Series membership of an episode: episodes of one series share `id`. */
export const SeriesInfo = Type.Object(
  {
    /** Series id (slug), shared by its episodes. */
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
    /** Series title ("Harbour Stories"). */
    title: Type.String({ minLength: 1, maxLength: 200 }),
    /** Season number (0 = specials). */
    season: Type.Integer({ minimum: 0, maximum: 999 }),
    /** Episode number within the season. */
    episode: Type.Integer({ minimum: 0, maximum: 9999 }),
  },
  { additionalProperties: false },
);
export type SeriesInfo = Static<typeof SeriesInfo>;

/** A chapter mark of a programme (from the file's chapters, or the catalogue editor). */
export const Chapter = Type.Object(
  {
    /** Where the chapter starts, ms from the programme start. */
    startMs: Millis,
    /** Chapter title ("Chapter 3", "The Storm"). */
    title: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type Chapter = Static<typeof Chapter>;

/** A programme of the catalogue. */
export const Program = Type.Object(
  {
    id: ProgramId,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    /** Optional localized titles keyed by BCP-47 tag (e.g. `zh-CN`). */
    titles: Type.Optional(ByLanguage(Type.String({ maxLength: 200 }))),
    synopsis: Type.String({ maxLength: 2000 }),
    /** Optional localized synopses keyed by BCP-47 tag; `synopsis` is the fallback. */
    synopses: Type.Optional(ByLanguage(Type.String({ maxLength: 2000 }))),
    /**
     * Minimum viewer age (0 = all ages; e.g. 12 shows as "12+"). Absent = unrated, which a
     * profile with a maturity limit treats as not allowed (fail closed).
     */
    ageRating: Type.Optional(AgeRating),
    /** Set when the programme is an episode of a series (library scan or catalogue editor). */
    series: Type.Optional(SeriesInfo),
    /** Chapter marks in start order (library scan of the file's chapters). */
    chapters: Type.Optional(Type.Array(Chapter, { maxItems: 500 })),
    /** VOD runtime; for live, the length of one loop / programme slot (informative). */
    durationMs: Millis,
    kind: ProgramKind,
    /** Terminal types allowed to list and play it. */
    terminalTypes: Type.Array(TerminalType, { minItems: 1, maxItems: 3, uniqueItems: true }),
    /** Artwork URL or path (relative to the server). */
    artwork: Type.String({ maxLength: 500 }),
    /** Live only: how far back the timeshift window reaches, in seconds. */
    timeshiftWindowSec: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 24 * 3600 })),
    links: Type.Array(ProgramLink, { minItems: 1, maxItems: 16 }),
  },
  { additionalProperties: false },
);
export type Program = Static<typeof Program>;

/**
 * A media language tag as players report it (BCP 47: `en`, `fr`, `zh`, `zh-Hans`, `es-419`).
 * Wider than `LanguageTag`: regions may be digits.
 */
export const MediaLanguage = Type.String({ pattern: '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$', maxLength: 35 });

/** Slowest and fastest playback speed a viewing may be watched at. */
export const PLAYBACK_RATE_MIN = 0.5;
export const PLAYBACK_RATE_MAX = 2;
/** A playback speed (1 = normal). */
export const PlaybackRate = Type.Number({ minimum: PLAYBACK_RATE_MIN, maximum: PLAYBACK_RATE_MAX });

/**
 * What a viewer chose to watch with, so another terminal resumes the same way: the audio
 * language, the subtitle language (null = subtitles off) and the playback speed. Every field
 * is optional — absent means "not chosen / not known" and leaves a stored choice alone.
 */
export const TrackChoice = Type.Object(
  {
    /** Audio language of the viewing. */
    audioLanguage: Type.Optional(MediaLanguage),
    /** Subtitle language shown; null = subtitles off. */
    subtitleLanguage: Type.Optional(Type.Union([MediaLanguage, Type.Null()])),
    /** Playback speed (1 = normal), 0.5–2. */
    playbackRate: Type.Optional(PlaybackRate),
  },
  { additionalProperties: false },
);
export type TrackChoice = Static<typeof TrackChoice>;

/**
 * Completion state of a record under the resume rules (see `resume.ts`): `expired` is a live
 * breakpoint that has fallen out of the channel's timeshift window.
 */
export const ProgressStatus = Type.Union([
  Type.Literal('not-started'),
  Type.Literal('in-progress'),
  Type.Literal('watched'),
  Type.Literal('expired'),
]);
export type ProgressStatus = Static<typeof ProgressStatus>;

/**
 * A viewing-history record (历史点播节目信息): the newest breakpoint one terminal holds for one
 * programme. Each terminal keeps its own record per programme.
 */
export const ViewingRecord = Type.Object({
  userId: Id,
  terminalId: Id,
  terminalName: TerminalName,
  terminalType: TerminalType,
  programId: ProgramId,
  breakpoint: Breakpoint,
  /** Programme runtime as the player saw it (0 when unknown, e.g. live). */
  durationMs: Millis,
  /** The terminal's own sequence number of the report that wrote this record. */
  seq: Type.Integer({ minimum: 0 }),
  /** When the position last moved (server time, clock-skew corrected), epoch ms. */
  progressAt: EpochMillis,
  /** When the record was last written at all (heartbeats included), epoch ms. */
  updatedAt: EpochMillis,
  status: ProgressStatus,
  /** The play token the streaming cluster issued for this viewing (patent [0098]). */
  playToken: Type.Optional(Type.String({ maxLength: 2000 })),
  /** The audio, subtitles and speed the viewing last used (absent = never reported). */
  tracks: Type.Optional(TrackChoice),
  /** The household profile (person) the viewing belongs to; always sent by this server. */
  profileId: Type.Optional(Id),
});
export type ViewingRecord = Static<typeof ViewingRecord>;

/** A terminal of the user (one row of the user↔terminal association table). */
export const Terminal = Type.Object({
  id: Id,
  name: TerminalName,
  type: TerminalType,
  createdAt: EpochMillis,
  lastSeenAt: Type.Union([EpochMillis, Type.Null()]),
});
export type Terminal = Static<typeof Terminal>;
