/**
 * The runtime: builds the app's parts once and wires them together, outside React — the
 * bridge, the HTTP client, the stores, and (while a terminal is signed in) the report outbox,
 * the push stream and the lifecycle hooks. React only renders the stores and calls actions.
 *
 * Timing: `start()` runs once at boot; a terminal's services start when the session becomes
 * `ready` and stop on sign-out. Page lifecycle: `quit` (pagehide) stops the open viewing
 * synchronously; `suspend` reports its position; `resume` and `online` catch up (outbox flush,
 * push reconnect, home refetch).
 */
import { assertNever } from '../../common/errors.ts';
import type { ElectronBridge, PlaybackPosition } from '../../common/ipc.ts';
import type { PlatformBridge, PlatformInfo } from '../../common/platform.ts';
import { createPushStream, type PushStream } from './api/events.ts';
import { createApi, type Api } from './api/http.ts';
import { translate } from '../../common/i18n/index.ts';
import { createReportOutbox, type ReportQueue } from './outbox.ts';
import { createPlayerController, type PlayerController } from './player/controller.ts';
import type { StopPoint } from './player/reporter.ts';
import { createJournal, recoverJournal, type Journal } from './player/journal.ts';
import { shakaEngines } from './player/shaka.ts';
import { pageOptions, type PageOptions } from './route.ts';
import { createConnectivityStore, type ConnectivityStore } from './stores/connectivity.ts';
import { createDeviceLinkStore, type DeviceLinkStore } from './stores/device-link.ts';
import { createHomeStore, HOME_CACHE_KEY, type HomeStore } from './stores/home.ts';
import { localRecords } from './stores/home-merge.ts';
import { createPlayerStore, playerStarted, type PlayerStore } from './stores/player.ts';
import { createProfilesStore, type ProfilesStore } from './stores/profiles.ts';
import { createPresenceStore, type PresenceStore } from './stores/presence.ts';
import { createHandoffStore, type HandoffStore } from './stores/handoff.ts';
import { createRemoteStore, remoteTracksOf, type RemoteStore } from './stores/remote.ts';
import { createSessionStore, type SessionStore } from './stores/session.ts';
import { createSettingsStore, type SettingsStore } from './stores/settings.ts';
import { createToastStore, type ToastStore } from './stores/toasts.ts';

/** Everything the UI reaches through context. */
export interface Runtime {
  bridge: PlatformBridge;
  api: Api;
  settings: SettingsStore;
  session: SessionStore;
  home: HomeStore;
  /** Now playing on the household's other terminals (issue 15). */
  presence: PresenceStore;
  /** "Continue here": claims of household sessions, and this terminal's handed-away viewing. */
  handoff: HandoffStore;
  /** Remote control and "Play on ▸": commands sent from here, and those this terminal obeys. */
  remote: RemoteStore;
  player: PlayerStore;
  connectivity: ConnectivityStore;
  toasts: ToastStore;
  /** The household's profiles and who is watching here ("Who's watching?"). */
  profiles: ProfilesStore;
  /** A TV linking itself by code (RFC 8628): started by the TV's link screen, adopted by the session. */
  deviceLink: DeviceLinkStore;
  /** Options of the page URL (`?type=`, `?mode=`). */
  options: PageOptions;
  /** Base URL of the server ('' = this page's origin). */
  baseUrl(): string;
  /** The report outbox of the signed-in terminal (null when signed out). */
  queue(): ReportQueue | null;
  /**
   * A player controller for a <video> (subtitles drawn in `textContainer` when given);
   * registered for lifecycle events until destroyed.
   */
  createController(video: HTMLVideoElement, textContainer?: HTMLElement | null): PlayerController;
  /** Load identity and settings, then start what a signed-in terminal runs. */
  start(): Promise<void>;
}

/** Build the runtime over a bridge. */
export function createRuntime(bridge: PlatformBridge, win: Window = window): Runtime {
  const options = pageOptions(win.location.search);
  let serverUrl = '';
  let queue: ReportQueue | null = null;
  let push: PushStream | null = null;
  let active: PlayerController | null = null;
  /** Whether this run has been offline since the outbox last emptied (for the "synced" toast). */
  let wasOffline = false;

  const connectivity = createConnectivityStore(win.navigator.onLine);
  const toasts = createToastStore();
  const api = createApi({
    baseUrl: () => serverUrl,
    credential: () => session.getState().identity?.credential ?? null,
    onReachability: (reached) => {
      const was = connectivity.getState().reachable;
      if (!reached) wasOffline = true;
      connectivity.getState().setReachable(reached);
      if (reached && !was) catchUp();
    },
    onCredentialRefused: () => {
      if (session.getState().phase === 'ready') void session.getState().signOut('terminal-removed');
    },
  });
  /** Which host runs this page (learned at boot): decides how a `quit` stops playback. */
  let platformKind: 'web' | 'electron' = 'web';
  let provisioned: PlatformInfo['terminal'];
  const settings = createSettingsStore({ bridge });
  const home = createHomeStore({ api, cache: bridge });
  const player = createPlayerStore();
  let lastProfileId: string | null | undefined;
  const profiles = createProfilesStore({
    api,
    onChanged: (profile) => {
      settings.getState().setProfileLanguage(profile?.language ?? null);
      // Another person's row: what was shown (and cached) belongs to the previous profile.
      if (lastProfileId !== undefined && lastProfileId !== (profile?.id ?? null)) {
        home.getState().reset();
        void home.getState().load();
      }
      lastProfileId = profile?.id ?? null;
    },
  });
  const presence = createPresenceStore({ api, selfId: () => session.getState().identity?.terminalId ?? null });
  const handoff = createHandoffStore({
    api,
    selfId: () => session.getState().identity?.terminalId ?? null,
    sessions: () => presence.getState().sessions,
    reloadSessions: () => presence.getState().load(),
  });
  const remote = createRemoteStore({
    api,
    selfId: () => session.getState().identity?.terminalId ?? null,
    active: () => active,
    isLive: () => player.getState().program?.kind === 'live',
    tracks: () => remoteTracksOf(player.getState()),
    claim: (sessionId) => handoff.getState().claim(sessionId),
    openProgram: () => {
      const p = player.getState();
      return p.status === 'starting' || p.status === 'ready' ? p.programId : null;
    },
    started: (programId, withinMs) => playerStarted(player, programId, withinMs),
  });
  const journal: Journal = createJournal(bridge);
  const session = createSessionStore({
    bridge,
    api,
    serverUrl: () => serverUrl || win.location.origin,
    onSignOut: async () => {
      stopTerminal();
      // Reports of this terminal mean nothing to the next one: send what can be sent, drop the rest.
      const items = await bridge.outboxLoad('reports');
      await bridge.outboxRemove('reports', items.map((e) => e.seq));
      await bridge.cacheSet(HOME_CACHE_KEY, null);
      home.getState().reset();
      profiles.getState().reset();
      settings.getState().setProfileLanguage(null);
      lastProfileId = undefined;
      presence.getState().reset();
      handoff.getState().reset();
      remote.getState().reset();
    },
  });

  const deviceLink = createDeviceLinkStore({
    api,
    // A provisioned set-top box (PC app's config file) proposes the name and type it was given.
    defaultName: () => provisioned?.name ?? translate(settings.getState().language, 'name.suggest', { type: provisioned?.type ?? 'stb' }),
    defaultType: () => provisioned?.type ?? 'stb',
    onLinked: (linked) => session.getState().adopt(linked),
  });

  /** The network or the server is back: send what waits, reconnect, refetch. */
  function catchUp(): void {
    if (session.getState().phase !== 'ready') return;
    void queue?.flush();
    push?.reconnectNow();
    void home.getState().load();
  }

  /** Put this terminal's unsent points (its outbox) on its own cards. */
  async function showLocalPoints(): Promise<void> {
    const q = queue;
    const me = session.getState().identity;
    if (!q || !me) return;
    const reports = await q.items();
    if (q !== queue) return;
    const userId = home.getState().page?.continueWatching[0]?.record.userId ?? '';
    home.getState().setLocal(localRecords(reports, me, userId));
  }

  /** This terminal stopped a viewing: its card shows that point before global's push confirms it. */
  function showOwnStop(stop: StopPoint): void {
    const me = session.getState().identity;
    if (!me) return;
    const userId = home.getState().page?.continueWatching[0]?.record.userId ?? '';
    const at = Date.now();
    home.getState().noteOwnStop(
      { userId, terminalId: me.terminalId, terminalName: me.terminalName, terminalType: me.terminalType, programId: stop.programId, breakpoint: stop.position, durationMs: 0, seq: 0, progressAt: at, updatedAt: at, status: 'in-progress' },
      { resumedFrom: stop.resumedFrom, seekedBack: stop.seekedBack },
    );
  }

  function startTerminal(): void {
    if (queue) return;
    queue = createReportOutbox({
      bridge,
      api,
      onPending: (n) => {
        connectivity.getState().setPending(n);
        void showLocalPoints();
      },
      onEvent: (e) => {
        if (e.type === 'sent' && queue?.pending() === 0 && wasOffline) {
          wasOffline = false;
          toasts.getState().show('online.synced', { tone: 'success' });
        }
      },
    });
    const q = queue;
    void recoverJournal(bridge, q).then(() => q.flush());
    push = createPushStream({
      open: (signal) => api.openEvents(signal),
      onEvent: (event) => {
        home.getState().applyPush(event);
        presence.getState().applyPush(event);
        handoff.getState().applyPush(event);
        remote.getState().applyPush(event);
      },
      // Whatever happened while not connected is in the page: refetch on every (re)connection.
      onOpen: () => {
        void home.getState().load();
        void presence.getState().load();
      },
      onState: (s) => connectivity.getState().setPush(s),
    });
    push.start();
    void home.getState().load();
    void profiles.getState().load(true);
  }

  function stopTerminal(): void {
    push?.stop();
    push = null;
    queue?.destroy();
    queue = null;
    connectivity.getState().setPending(0);
  }

  win.addEventListener('online', () => {
    connectivity.getState().setOnline(true);
    catchUp();
  });
  win.addEventListener('offline', () => {
    wasOffline = true;
    connectivity.getState().setOnline(false);
  });

  bridge.onLifecycle((event): void | Promise<void> => {
    switch (event) {
      case 'quit':
        // A page being unloaded cannot wait: stop with a keepalive request. The PC app waits
        // for this promise (bounded) before quitting, so there the ordinary stop — sent, or
        // queued in the outbox when the server is gone — finishes first.
        if (platformKind === 'electron' && active) {
          return active.close().then(
            () => undefined,
            () => undefined,
          );
        }
        active?.closeOnUnload();
        return;
      case 'suspend':
        active?.suspend();
        return;
      case 'resume':
        catchUp();
        return;
      default:
        assertNever(event, 'lifecycle event');
    }
  });

  session.subscribe((s, prev) => {
    if (s.phase === 'ready' && prev.phase !== 'ready') startTerminal();
  });

  return {
    bridge,
    api,
    settings,
    session,
    home,
    presence,
    handoff,
    remote,
    player,
    connectivity,
    toasts,
    profiles,
    deviceLink,
    options,
    baseUrl: () => serverUrl,
    queue: () => queue,
    createController(video, textContainer = null) {
      const q = queue;
      if (!q) throw new Error('no terminal is signed in');
      const controller = createPlayerController(video, {
        api,
        nextSeq: (atLeast) => bridge.nextSeq(atLeast),
        queue: q,
        journal,
        store: player,
        isOnline: () => win.navigator.onLine,
        onOnline: (fn) => {
          win.addEventListener('online', fn);
          return () => win.removeEventListener('online', fn);
        },
        onProgramGone: () => void home.getState().load(),
        onStopPoint: (stop) => showOwnStop(stop),
        engines: shakaEngines,
        textContainer,
        onDestroyed: () => {
          if (active === controller) active = null;
        },
        // The PC app: main keeps the latest position for a crash or a lost quit (throttled).
        ...('reportPlayback' in bridge
          ? { reportPosition: (p: PlaybackPosition | null) => void (bridge as ElectronBridge).reportPlayback(p).catch(() => undefined) }
          : {}),
      });
      active = controller;
      return controller;
    },
    async start() {
      const [info, stored] = await Promise.all([bridge.info(), bridge.loadSettings()]);
      platformKind = info.kind;
      provisioned = info.terminal;
      // The page's `?mode=` stands for how this page was launched (as `--kiosk` does for the PC
      // app); a mode the user chose in settings wins over both.
      settings.getState().init(options.mode ? { ...info, launchMode: options.mode } : info, stored);
      player.getState().setVolume(1, stored.muted);
      // The web terminal talks to the server that served it; the Electron app to its own.
      const identity = await bridge.loadIdentity();
      serverUrl = info.kind === 'web' ? '' : (identity?.serverUrl ?? stored.serverUrl ?? info.defaultServerUrl ?? '');
      await session.getState().boot();
    },
  };
}
