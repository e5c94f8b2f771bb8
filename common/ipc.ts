/**
 * The one IPC contract between the Electron main process and the preload (docs/ARCHITECTURE.md §4, §7).
 * Every channel is declared here once, with the schema of what crosses it:
 *
 * - **Invoke channels** (renderer → main, `ipcRenderer.invoke`): one per bridge method. The
 *   request is the method's argument list as a tuple; the reply is always an envelope
 *   `{ ok: true, value } | { ok: false, error }` (`Result` of common/errors.ts). The preload
 *   builds `window.raBridge` from this table and refuses any other channel; the main process
 *   registers one handler per entry and parses every request with its schema before use.
 * - **Event channels** (main → renderer, `webContents.send`): lifecycle signals. The preload
 *   parses each payload and answers with `lifecycleDone` once the renderer's listeners settled.
 *
 * Besides `PlatformBridge` (common/platform.ts) the Electron bridge offers optional extensions:
 * `reportPlayback`, `serverStatus` and the `library…` methods (see `ElectronBridgeExtensions`). A renderer
 * uses them when present (`'reportPlayback' in bridge`); the web bridge has neither.
 *
 * Environment-free: schemas and pure helpers only. Adding a channel is a contract change for
 * main/ and preload/ together; the type checks below make a mismatch a compile error.
 */
import * as Type from 'typebox';
import type { Static, TSchema } from 'typebox';
import { Check, Errors } from 'typebox/value';
import type { ErrorBody, ErrorCode, Result } from './errors.ts';
import { PlatformInfo, Settings, TerminalIdentityRecord, type PlatformBridge } from './platform.ts';
import { AgeRating, Breakpoint, EpochMillis, ByLanguage, Program, ProgramId, TerminalType } from './protocol/model.ts';

// ---------------------------------------------------------------- payload schemas

/** A value or null. */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A queue position or report sequence. */
export const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/** The named outboxes (common/platform.ts `OutboxName`). */
export const OutboxNameSchema = Type.Literal('reports');

/**
 * One stored outbox entry. The `reports` outbox holds `TerminalReport`s (common/protocol/api.ts):
 * the main process uploads them itself on quit, on suspend and at start, so it needs to read them.
 */
export const OutboxEntrySchema = Type.Object({ seq: Seq, item: Type.Unknown() }, { additionalProperties: false });

/** A cache key: short, printable, namespaced by the renderer (e.g. `home:<terminalId>`). */
export const CacheKey = Type.String({ pattern: '^[A-Za-z0-9:._-]{1,100}$' });

/** Largest cached value, as JSON (the home page is a few kilobytes). */
export const MAX_CACHE_VALUE_BYTES = 2 * 1024 * 1024;

/** Largest number of entries a stored outbox keeps; older ones are dropped (and logged) past it. */
export const MAX_OUTBOX_ENTRIES = 10_000;

/** A settings change: any subset of the settings, nothing else. */
export const SettingsPatch = Type.Partial(Settings, { additionalProperties: false });

/**
 * Acknowledges one lifecycle signal (sent by the preload, not part of the bridge): how many
 * renderer listeners ran, so main knows whether anyone saved the breakpoint.
 */
export const LifecycleAck = Type.Object({ id: Seq, listeners: Type.Integer({ minimum: 0, maximum: 1000 }) }, { additionalProperties: false });
export type LifecycleAck = Static<typeof LifecycleAck>;

/**
 * What is playing right now, as the renderer last saw it. The main process keeps the latest
 * one durably so that a renderer crash, a lost quit or a power cut still ends as a `stop`
 * report at this point (docs/ARCHITECTURE.md §5: "a crashed terminal loses at most one heartbeat").
 * Fields mirror `TerminalReport`; `null` means nothing is playing (the renderer has recorded
 * its own stop).
 */
export const PlaybackPosition = Type.Object(
  {
    programId: ProgramId,
    breakpoint: Breakpoint,
    /** When the position was observed, by this device's clock. */
    observedAt: EpochMillis,
    resumedFrom: Type.Optional(Breakpoint),
    seekedBack: Type.Optional(Type.Boolean()),
    playToken: Type.Optional(Type.String({ maxLength: 2000 })),
    /** False while the picture moves (main may carry the point forward), true when paused or stalled. */
    paused: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PlaybackPosition = Static<typeof PlaybackPosition>;

/** The household server the PC app runs (or the remote one it uses), for the UI. */
export const ServerStatus = Type.Object({
  /** `embedded`: this app runs the server; `remote`: a configured server elsewhere. */
  mode: Type.Union([Type.Literal('embedded'), Type.Literal('remote')]),
  state: Type.Union([Type.Literal('starting'), Type.Literal('running'), Type.Literal('failed'), Type.Literal('stopped')]),
  /** The URL this app uses, or null before it is known. */
  url: Type.Union([Type.String(), Type.Null()]),
  /** URLs a TV or phone on the same network can open (embedded mode with LAN access). */
  lanUrls: Type.Array(Type.String()),
  /** Why it failed, when it did. */
  error: Type.Union([Type.String(), Type.Null()]),
});
export type ServerStatus = Static<typeof ServerStatus>;

/** A lifecycle signal from main, with the id the ack must carry. */
export const LifecycleSignal = Type.Object(
  { id: Seq, event: Type.Union([Type.Literal('suspend'), Type.Literal('resume'), Type.Literal('quit')]) },
  { additionalProperties: false },
);
export type LifecycleSignal = Static<typeof LifecycleSignal>;

// ---------------------------------------------------------------- the media library (PC app)
// The embedded server's library, as its admin API answers (server-mock/library/routes.ts; the
// PC app's main process holds the admin token and asks for the page: the token never reaches
// it). main/library.test.ts checks these against the real server's answers.

/** A watched folder and what became of its files. */
export const LibraryFolder = Type.Object({
  path: Type.String(),
  source: Type.Union([Type.Literal('config'), Type.Literal('api')]),
  addedAt: Type.Integer(),
  /** `unavailable`: missing or unreadable (nothing is removed meanwhile). */
  state: Type.Union([Type.Literal('watching'), Type.Literal('idle'), Type.Literal('unavailable')]),
  files: Type.Integer(),
  ready: Type.Integer(),
  failed: Type.Integer(),
  pending: Type.Integer(),
});
export type LibraryFolder = Static<typeof LibraryFolder>;

/** One file's packaging job. */
export const LibraryFileJob = Type.Object({
  path: Type.String(),
  state: Type.Union([Type.Literal('queued'), Type.Literal('packaging'), Type.Literal('ready'), Type.Literal('failed')]),
  programId: Nullable(Type.String()),
  error: Nullable(Type.String()),
  /** 0–1. */
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  /** × realtime. */
  speed: Type.Number(),
  etaSec: Nullable(Type.Number()),
  phase: Nullable(Type.String()),
  updatedAt: Type.Integer(),
});
export type LibraryFileJob = Static<typeof LibraryFileJob>;

/** The owner's edits of a library programme (null resets a field to what the file says). */
export const LibraryProgramEdits = Type.Object(
  {
    title: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    titles: Type.Optional(Nullable(ByLanguage(Type.String({ minLength: 1, maxLength: 200 })))),
    synopsis: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    synopses: Type.Optional(Nullable(ByLanguage(Type.String({ maxLength: 2000 })))),
    ageRating: Type.Optional(Nullable(AgeRating)),
    terminalTypes: Type.Optional(Nullable(Type.Array(TerminalType, { minItems: 1, maxItems: 3, uniqueItems: true }))),
  },
  { additionalProperties: false },
);
export type LibraryProgramEdits = Static<typeof LibraryProgramEdits>;

const MediaState = Type.Union([Type.Literal('ok'), Type.Literal('missing'), Type.Literal('unreachable')]);

/** A programme of the library, with its tracks and the owner's edits. */
export const LibraryProgram = Type.Object({
  programId: ProgramId,
  files: Type.Array(Type.String()),
  media: MediaState,
  /** No file holds it any more: out of the catalogue, its viewing records kept until they age out. */
  withdrawn: Type.Boolean(),
  program: Nullable(Program),
  edits: LibraryProgramEdits,
  audio: Type.Array(Type.Object({ language: Type.String(), label: Type.String() })),
  subtitles: Type.Array(Type.Object({ language: Type.String(), label: Type.String(), forced: Type.Boolean() })),
  renditions: Type.Array(Type.Object({ width: Type.Integer(), height: Type.Integer(), copy: Type.Boolean() })),
  thumbnails: Type.Boolean(),
  skipped: Type.Array(Type.String()),
});
export type LibraryProgram = Static<typeof LibraryProgram>;

/** Everything Settings → Library shows. */
export const LibraryOverview = Type.Object({
  folders: Type.Array(LibraryFolder),
  files: Type.Array(LibraryFileJob),
  concurrency: Type.Integer(),
  programs: Type.Array(LibraryProgram),
  /** Catalogue programmes whose media this server cannot serve (missing files, unreachable CDN). */
  missingMedia: Type.Array(Type.Object({ programId: ProgramId, title: Type.String(), link: Type.String(), media: MediaState })),
});
export type LibraryOverview = Static<typeof LibraryOverview>;

// ---------------------------------------------------------------- the contract

/** One invoke channel: its arguments (a tuple schema), its reply value and what it does. */
export interface InvokeSpec {
  request: TSchema;
  reply: TSchema;
  doc: string;
}

const spec = <Req extends TSchema, Rep extends TSchema>(request: Req, reply: Rep, doc: string) => ({ request, reply, doc });
const NoArgs = Type.Tuple([]);

/** Every renderer → main channel, keyed by the bridge method it implements. */
export const IPC_INVOKE = {
  info: spec(NoArgs, PlatformInfo, 'Facts about the platform (launch mode, languages, version, default server).'),
  loadIdentity: spec(NoArgs, Nullable(TerminalIdentityRecord), 'This terminal’s identity (credential decrypted), or null.'),
  saveIdentity: spec(Type.Tuple([Nullable(TerminalIdentityRecord)]), Type.Void(), 'Store (credential encrypted) or forget the identity.'),
  loadSettings: spec(NoArgs, Settings, 'Current settings, defaults filled in.'),
  saveSettings: spec(Type.Tuple([SettingsPatch]), Settings, 'Change some settings; replies with all of them.'),
  outboxLoad: spec(Type.Tuple([OutboxNameSchema]), Type.Array(OutboxEntrySchema), 'Every stored entry of an outbox.'),
  outboxAppend: spec(Type.Tuple([OutboxNameSchema, OutboxEntrySchema]), Type.Void(), 'Persist one outbox entry (durable on reply).'),
  outboxRemove: spec(Type.Tuple([OutboxNameSchema, Type.Array(Seq, { maxItems: MAX_OUTBOX_ENTRIES })]), Type.Void(), 'Forget entries by seq.'),
  cacheGet: spec(Type.Tuple([CacheKey]), Type.Unknown(), 'A cached JSON value, or null.'),
  cacheSet: spec(Type.Tuple([CacheKey, Type.Unknown()]), Type.Void(), 'Cache a JSON value (null deletes it).'),
  nextSeq: spec(Type.Union([NoArgs, Type.Tuple([Seq])]), Seq, 'Next report sequence, above every earlier one and `atLeast`.'),
  lifecycleDone: spec(Type.Tuple([LifecycleAck]), Type.Void(), 'Preload only: the renderer finished reacting to a lifecycle signal.'),
  reportPlayback: spec(Type.Tuple([Nullable(PlaybackPosition)]), Type.Void(), 'Extension: what is playing now (null: nothing).'),
  serverStatus: spec(NoArgs, ServerStatus, 'Extension: the household server’s state and LAN URLs.'),
  libraryOverview: spec(NoArgs, LibraryOverview, 'Extension: the embedded server’s library (folders, jobs, programmes, missing media).'),
  libraryAddFolders: spec(NoArgs, Type.Array(Type.String()), 'Extension: the native folder dialog, then watch the chosen folders; replies with those added.'),
  libraryRemoveFolder: spec(Type.Tuple([Type.String({ minLength: 1, maxLength: 4096 })]), Type.Void(), 'Extension: stop watching a folder (its programmes are withdrawn).'),
  libraryScan: spec(Type.Tuple([Type.Object({ retryFailed: Type.Boolean() }, { additionalProperties: false })]), Type.Void(), 'Extension: rescan the watched folders (and retry failed files).'),
  libraryEditProgram: spec(Type.Tuple([ProgramId, LibraryProgramEdits]), LibraryProgram, 'Extension: the owner edits a library programme.'),
} as const satisfies Record<string, InvokeSpec>;

/** Every main → renderer channel. */
export const IPC_EVENTS = {
  lifecycle: { payload: LifecycleSignal, doc: 'Save the breakpoint now (suspend, quit) or carry on (resume); ack with lifecycleDone.' },
} as const;

/** A bridge method backed by an invoke channel. */
export type InvokeMethod = keyof typeof IPC_INVOKE;
/** A main → renderer event. */
export type EventName = keyof typeof IPC_EVENTS;

/** The arguments of a method, as its tuple type. */
export type InvokeArgs<M extends InvokeMethod> = Static<(typeof IPC_INVOKE)[M]['request']>;
/** The reply value of a method. */
export type InvokeReply<M extends InvokeMethod> = Static<(typeof IPC_INVOKE)[M]['reply']>;

/** The channel name of a bridge method. */
export function invokeChannel(method: InvokeMethod): string {
  return `ra:${method}`;
}

/** The channel name of an event. */
export function eventChannel(name: EventName): string {
  return `ra:event:${name}`;
}

/** The method a channel name stands for, or null when the contract does not declare it. */
export function methodOfChannel(channel: unknown): InvokeMethod | null {
  if (typeof channel !== 'string' || !channel.startsWith('ra:')) return null;
  const name = channel.slice(3);
  return Object.hasOwn(IPC_INVOKE, name) ? (name as InvokeMethod) : null;
}

/** Every invoke channel name (for registration and tests). */
export const INVOKE_METHODS = Object.keys(IPC_INVOKE) as InvokeMethod[];

// ---------------------------------------------------------------- the bridge the preload exposes

/** The optional extensions the Electron bridge offers beyond `PlatformBridge`. */
export interface ElectronBridgeExtensions {
  /**
   * Tell the main process what is playing (call on every heartbeat, pause, seek and start;
   * `null` once the renderer has queued its own stop). Main turns the last one into a `stop`
   * report if the renderer crashes or never answers a quit.
   */
  reportPlayback(position: PlaybackPosition | null): Promise<void>;
  /** The household server's state, URL and LAN URLs (for the "link a TV" screen). */
  serverStatus(): Promise<ServerStatus>;
  /** Settings → Library: the embedded server's library (the admin token stays in main). */
  libraryOverview(): Promise<LibraryOverview>;
  /** Household → Add Folder… from the page: the native dialog; the folders added (none when cancelled). */
  libraryAddFolders(): Promise<string[]>;
  /** Stop watching a folder; its programmes go. */
  libraryRemoveFolder(path: string): Promise<void>;
  /** Rescan the watched folders; `retryFailed` queues failed files again. */
  libraryScan(options: { retryFailed: boolean }): Promise<void>;
  /** Edit a library programme (title, synopses per language, age rating, terminal types). */
  libraryEditProgram(programId: string, edits: LibraryProgramEdits): Promise<LibraryProgram>;
}

/** `window.raBridge` in the Electron app. */
export type ElectronBridge = PlatformBridge & ElectronBridgeExtensions;

/**
 * Lifecycle listeners may return a promise: the preload waits for it (bounded by main) before it
 * acknowledges the signal, so an async "save the breakpoint" finishes before the app quits.
 */
export type LifecycleListener = (event: LifecycleSignal['event']) => void | Promise<void>;

// Compile-time proof that the contract implements the bridge (a drift is a type error here).
type ContractBridge = { [M in Exclude<InvokeMethod, 'lifecycleDone'>]: (...args: InvokeArgs<M>) => Promise<InvokeReply<M>> };
type Assert<T extends true> = T;
export type _ContractImplementsBridge = Assert<ContractBridge extends Omit<ElectronBridge, 'onLifecycle'> ? true : false>;

// ---------------------------------------------------------------- validation and envelopes

/** A success envelope. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** A failure envelope. */
export function fail(code: ErrorCode, message: string, details?: unknown): Result<never> {
  const error: ErrorBody = details === undefined ? { code, message } : { code, message, details };
  return { ok: false, error };
}

/** Schema problems, for `details` (at most ten, paths and messages only). */
export function schemaProblems(schema: TSchema, value: unknown): { path: string; message: string }[] {
  return [...Errors(schema, value)].slice(0, 10).map((e) => ({ path: e.instancePath || '/', message: e.message }));
}

/**
 * Drop trailing `undefined` arguments, so `nextSeq()` and `nextSeq(undefined)` send the same
 * tuple (structured clone would keep the hole as `undefined`).
 */
export function normalizeArgs(args: readonly unknown[]): unknown[] {
  const out = [...args];
  while (out.length > 0 && out[out.length - 1] === undefined) out.pop();
  return out;
}

/** Parse a request against its channel: the typed arguments, or a VALIDATION_FAILED envelope. */
export function parseRequest<M extends InvokeMethod>(method: M, args: unknown): Result<InvokeArgs<M>> {
  const schema = IPC_INVOKE[method].request;
  if (!Check(schema, args)) {
    return fail('VALIDATION_FAILED', `Malformed arguments for ${invokeChannel(method)}`, { problems: schemaProblems(schema, args) });
  }
  return ok(args as InvokeArgs<M>);
}

const ErrorBodySchema = Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) });

/** Parse a reply envelope of a channel; a malformed one becomes an INTERNAL failure. */
export function parseReply<M extends InvokeMethod>(method: M, envelope: unknown): Result<InvokeReply<M>> {
  if (typeof envelope === 'object' && envelope !== null && 'ok' in envelope) {
    const e = envelope as { ok: unknown; value?: unknown; error?: unknown };
    if (e.ok === true && Check(IPC_INVOKE[method].reply, e.value)) return ok(e.value as InvokeReply<M>);
    if (e.ok === false && Check(ErrorBodySchema, e.error)) return { ok: false, error: e.error as ErrorBody };
  }
  return fail('INTERNAL', `Malformed reply on ${invokeChannel(method)}`);
}

/** Parse an event payload; null when it does not match its schema. */
export function parseEvent<E extends EventName>(name: E, payload: unknown): Static<(typeof IPC_EVENTS)[E]['payload']> | null {
  return Check(IPC_EVENTS[name].payload, payload) ? (payload as Static<(typeof IPC_EVENTS)[E]['payload']>) : null;
}

/** The error a bridge call rejects with: keeps the stable code of the envelope. */
export class IpcError extends Error {
  /** Stable code from the envelope. */
  readonly code: string;
  /** Optional structured detail. */
  readonly details: unknown;
  constructor(body: { code: string; message: string; details?: unknown }) {
    super(body.message);
    this.name = 'IpcError';
    this.code = body.code;
    this.details = body.details;
  }
}
