/**
 * The handlers behind the bridge: `PlatformBridge` over LocalState, plus the Electron
 * extensions (`reportPlayback`, `serverStatus`) and the preload's `lifecycleDone`. Requests
 * arrive already parsed by the router (main/ipc-router.ts); checks that a schema cannot
 * express (a server URL must be http(s)) live here.
 */
import { AppError } from '../common/errors.ts';
import type { PlaybackPosition, ServerStatus } from '../common/ipc.ts';
import type { PlatformInfo, Settings } from '../common/platform.ts';
import type { LibraryControl } from './library.ts';
import type { IpcHandlers } from './ipc-router.ts';
import type { LifecycleCoordinator } from './lifecycle.ts';
import type { LocalState } from './local-state.ts';

/** What the handlers need from the app. */
export interface PlatformHandlerDeps {
  state: LocalState;
  lifecycle: LifecycleCoordinator;
  /** Facts about this run (launch mode, version, embedded server URL). */
  info: () => PlatformInfo;
  serverStatus: () => ServerStatus;
  /** Settings the session forces (kiosk: the TV interface), over the stored ones; not persisted. */
  overrides: () => Partial<Settings>;
  /** Told after settings changed (the app reconnects when the server URL changed). */
  onSettingsChanged: (previous: Settings, next: Settings) => void;
  /** Settings keys fixed for this run (provisioning file, `--server-url`): changing them is refused. */
  locked?: () => string[];
  /** The embedded server's library (Settings → Library); main holds its admin token. */
  library: Pick<LibraryControl, 'overview' | 'chooseAndAdd' | 'removeFolder' | 'scan' | 'editProgram'>;
  /** Told every position the renderer reports (the screen stays awake while it plays). */
  onPlayback?: (position: PlaybackPosition | null) => void;
}

/** A server URL the window may be pointed at: http(s) only, no credentials, no path tricks. */
export function checkServerUrl(raw: string | null): string | null {
  if (raw === null) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The server URL is not a URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    throw new AppError('VALIDATION_FAILED', 'The server URL must be http(s) without credentials');
  }
  return url.origin;
}

export function platformHandlers(d: PlatformHandlerDeps): IpcHandlers {
  const settings = () => ({ ...d.state.loadSettings(), ...d.overrides() });
  return {
    info: () => d.info(),
    loadIdentity: () => d.state.loadIdentity(),
    saveIdentity: (_ctx, identity) => d.state.saveIdentity(identity),
    loadSettings: () => settings(),
    saveSettings: (_ctx, patch) => {
      const current = settings();
      const locked = (d.locked?.() ?? []).filter((k) => k in patch && (patch as Record<string, unknown>)[k] !== (current as Record<string, unknown>)[k]);
      if (locked.length > 0) throw new AppError('FORBIDDEN', `Fixed by this device's administrator: ${locked.join(', ')}`);
      const previous = d.state.loadSettings();
      const clean = 'serverUrl' in patch ? { ...patch, serverUrl: checkServerUrl(patch.serverUrl ?? null) } : patch;
      const next = d.state.saveSettings(clean);
      d.onSettingsChanged(previous, next);
      return { ...next, ...d.overrides() };
    },
    outboxLoad: (_ctx, name) => d.state.outboxLoad(name),
    outboxAppend: (_ctx, name, entry) => d.state.outboxAppend(name, entry),
    outboxRemove: (_ctx, name, seqs) => d.state.outboxRemove(name, seqs),
    cacheGet: (_ctx, key) => d.state.cacheGet(key),
    cacheSet: (_ctx, key, value) => d.state.cacheSet(key, value),
    nextSeq: (_ctx, ...args) => d.state.nextSeq(args[0] ?? 0),
    lifecycleDone: (ctx, ack) => d.lifecycle.ack(ack.id, ctx.senderId, ack.listeners),
    reportPlayback: (_ctx, position) => {
      d.lifecycle.reportPlayback(position);
      d.onPlayback?.(position);
    },
    serverStatus: () => d.serverStatus(),
    libraryOverview: () => d.library.overview(),
    libraryAddFolders: () => d.library.chooseAndAdd(),
    libraryRemoveFolder: (_ctx, path) => d.library.removeFolder(path),
    libraryScan: (_ctx, o) => d.library.scan(o.retryFailed),
    libraryEditProgram: (_ctx, programId, edits) => d.library.editProgram(programId, edits),
  };
}
