/**
 * The platform bridge: everything the one renderer needs from the environment it runs in —
 * who this terminal is, its settings, durable local storage (the outbox, the home-page cache,
 * the report sequence) and lifecycle signals. The renderer talks only to this interface and
 * to HTTP; `renderer/` provides the web implementation (localStorage / IndexedDB), the
 * Electron preload exposes the same interface over IPC (electron-store in the main process).
 *
 * Every method is async (IPC is), returns plain JSON-compatible data, and never throws for
 * "not there yet": it returns null. Implementations must keep writes durable before resolving.
 */
import * as Type from 'typebox';
import type { Static } from 'typebox';
import type { OutboxEntry } from './outbox.ts';
import { Id, TerminalName, TerminalType } from './protocol/model.ts';

/** The 10-foot (remote control) or desktop (mouse/keyboard/touch) interface. */
export const UiMode = Type.Union([Type.Literal('desktop'), Type.Literal('tv')]);
export type UiMode = Static<typeof UiMode>;

/** Interface languages. */
export const Language = Type.Union([Type.Literal('en'), Type.Literal('zh-CN')]);
export type Language = Static<typeof Language>;

/** This terminal's identity, as registered with the global server. */
export const TerminalIdentityRecord = Type.Object({
  /** Base URL of the server this terminal belongs to (global + portal + streaming). */
  serverUrl: Type.String({ maxLength: 500 }),
  terminalId: Id,
  terminalName: TerminalName,
  terminalType: TerminalType,
  /** The terminal credential `rat_…` (secret; the Electron app encrypts it at rest). */
  credential: Type.String({ minLength: 10, maxLength: 200 }),
  /** The account's login, for display. */
  login: Type.String({ maxLength: 120 }),
});
export type TerminalIdentityRecord = Static<typeof TerminalIdentityRecord>;

/** User-changeable settings; null = follow the platform's default. */
export const Settings = Type.Object({
  language: Type.Union([Language, Type.Null()]),
  mode: Type.Union([UiMode, Type.Null()]),
  /** Override the server URL (a household's PC, a remote deployment). */
  serverUrl: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
  /** Start muted (kiosk screens in shops). */
  muted: Type.Boolean(),
});
export type Settings = Static<typeof Settings>;

/** Settings of a fresh install. */
export const DEFAULT_SETTINGS: Settings = { language: null, mode: null, serverUrl: null, muted: false };

/** Facts about the platform. */
export const PlatformInfo = Type.Object({
  kind: Type.Union([Type.Literal('web'), Type.Literal('electron')]),
  /** The mode the platform was started in (`--kiosk` → tv), before settings. */
  launchMode: UiMode,
  /** The platform's preferred languages (navigator.languages / app.getPreferredSystemLanguages). */
  languages: Type.Array(Type.String()),
  appVersion: Type.String(),
  /** The server URL the platform suggests (web: the page's origin; Electron: the embedded server). */
  defaultServerUrl: Type.Union([Type.String(), Type.Null()]),
  /** What this device calls itself when it is linked, when an administrator provisioned it (PC app). */
  terminal: Type.Optional(Type.Object({ name: Type.Optional(TerminalName), type: Type.Optional(TerminalType) }, { additionalProperties: false })),
});
export type PlatformInfo = Static<typeof PlatformInfo>;

/** Lifecycle signals a renderer must react to by saving the current breakpoint. */
export type LifecycleEvent = 'suspend' | 'resume' | 'quit';

/** Named durable queues (one per purpose). */
export type OutboxName = 'reports';

/** The interface the renderer uses; one implementation per platform. */
export interface PlatformBridge {
  /** Facts about the platform. */
  info(): Promise<PlatformInfo>;
  /** This terminal's identity, or null before it is registered. */
  loadIdentity(): Promise<TerminalIdentityRecord | null>;
  /** Store (or with null, forget) this terminal's identity. */
  saveIdentity(identity: TerminalIdentityRecord | null): Promise<void>;
  /** Current settings (defaults filled in). */
  loadSettings(): Promise<Settings>;
  /** Change some settings; returns the whole new settings. */
  saveSettings(patch: Partial<Settings>): Promise<Settings>;
  /** Durable outbox storage (see common/outbox.ts). */
  outboxLoad(name: OutboxName): Promise<OutboxEntry<unknown>[]>;
  outboxAppend(name: OutboxName, entry: OutboxEntry<unknown>): Promise<void>;
  outboxRemove(name: OutboxName, seqs: number[]): Promise<void>;
  /** A small JSON cache (the last home page, so the app starts offline). */
  cacheGet(key: string): Promise<unknown>;
  cacheSet(key: string, value: unknown): Promise<void>;
  /**
   * The next value of this terminal's report sequence, strictly greater than every value
   * returned before and than `atLeast` (the server's floor). Durable before it resolves.
   */
  nextSeq(atLeast?: number): Promise<number>;
  /**
   * Subscribe to lifecycle signals (suspend, resume, quit); returns the unsubscribe. A listener
   * may return a promise: the Electron app waits (bounded) for it before quitting, so a stop
   * report is sent or queued before the household server goes down.
   */
  onLifecycle(listener: (event: LifecycleEvent) => void | Promise<void>): () => void;
}
