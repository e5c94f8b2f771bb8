/**
 * The player controller: owns the `shaka.Player` of one <video> element and one viewing at a
 * time. It opens a play session at the access server, loads the manifest at the resume point
 * (VOD offset, or the live wall-clock moment as presentation time), adds the current play
 * token to every media request (request filter; renewed before it expires), feeds Shaka and
 * media-element events into the player store, and drives the reporter (reporter.ts).
 *
 * Errors: a refused token is renewed and the stream reloaded where it was; network trouble
 * mid-play shows "reconnecting" and retries when the network is back; a programme that is
 * gone or not allowed, or media this browser cannot play, ends in an error state.
 *
 * Tracks: the viewing starts with the choice it is handed (the previous episode's, carried on)
 * or the access server's (this user's newest for the programme or its series); the user's
 * audio, subtitle and speed changes are applied, kept across reloads, and reported at once.
 * Seek-preview tiles come from the manifest's image track (sheets fetched with the play token).
 *
 * The engine is made by `deps.engines` (engine.ts): Shaka in the app, a fake in unit tests.
 *
 * Ownership: created by the Player view for its <video>; `close()` ends the viewing (position
 * captured before anything is unloaded); `destroy()` releases the engine and every listener.
 */
import type { PlaybackPosition } from '../../../common/ipc.ts';
import type { Breakpoint, Program, TrackChoice } from '../../../common/protocol/model.ts';
import { mergeTracks } from '../../../common/tracks.ts';
import type { PlayResponse } from '../../../common/protocol/stream.ts';
import { codeOf, type Api } from '../api/http.ts';
import type { ReportQueue } from '../outbox.ts';
import { errorKindOf, type PlayerStore, type Timeline } from '../stores/player.ts';
import type { Journal } from './journal.ts';
import { breakpointAt, clampSeek, isSeekBack, mediaTimeOf, startTimeOf } from './position.ts';
import { createPositionFeed } from './position-feed.ts';
import { createReporter, type Reporter, type StopOutcome } from './reporter.ts';
import { classifyError, type EngineFactory, type PlayerEngine } from './engine.ts';
import { createThumbnails } from './thumbnails.ts';
import { catchUpBeforePlaying } from './catch-up.ts';
import { audioOptions, choiceNow, matchLanguage, nearestRate, pickSubtitles, subtitleOptions, type PreviewTile } from './tracks.ts';

/** What to play. */
export interface OpenRequest {
  programId: string;
  /** The programme as the home page knows it (for the title while loading). */
  program: Program | null;
  /** Where to start; null = from the beginning (VOD) or at the live edge. */
  breakpoint: Breakpoint | null;
  /** The terminal the resume point was left on, when another one. */
  fromTerminal: string | null;
  /** Start with these tracks (carried on from the previous episode); wins over the server's. */
  tracks?: TrackChoice | null;
  /**
   * "Continue here" (issue 15): admitted with the other terminal's play token, starting where
   * that terminal is at the moment playback starts (`pointAt(Date.now())`), not where it was.
   */
  handoff?: { playToken: string; pointAt: (localNow: number) => Breakpoint } | null;
}

/** What the controller needs. */
export interface ControllerDeps {
  api: Api;
  nextSeq: (atLeast: number) => Promise<number>;
  queue: ReportQueue;
  journal: Journal;
  store: PlayerStore;
  isOnline: () => boolean;
  /** Subscribe to "the network is back"; returns the unsubscribe. */
  onOnline: (fn: () => void) => () => void;
  /** The programme turned out to be gone (refresh the home page). */
  onProgramGone?: (programId: string) => void;
  /** The PC app's position feed to main (bridge `reportPlayback`); absent on the web. */
  reportPosition?: (position: PlaybackPosition | null) => void;
  /** Makes the playback engine (Shaka; a fake under test). */
  engines: EngineFactory;
  /** Where subtitles are drawn (styled by the app); null = the engine's native text tracks. */
  textContainer?: HTMLElement | null;
  /** Fetch for thumbnail sheets (default: global fetch). */
  fetch?: typeof fetch;
  /** Called once when the controller is destroyed (the runtime forgets it). */
  onDestroyed?: () => void;
}

/** The controller's commands. */
export interface PlayerController {
  open(request: OpenRequest): Promise<void>;
  /** Play if paused, else pause (watching again after the end); returns what it asked the video for. */
  togglePlay(): 'play' | 'pause';
  /** Play (idempotent: a press while playback is starting keeps it starting). */
  play(): void;
  /** Pause (idempotent). */
  pause(): void;
  /** Whether this viewing has played at least once (its first `playing` event). */
  hasPlayed(): boolean;
  /** The play session of this viewing (null before the access server answered). */
  sessionId(): string | null;
  seekTo(t: number): void;
  seekBy(dt: number): void;
  goLive(): void;
  setVolume(volume: number): void;
  toggleMute(): void;
  /** Play this audio language. */
  selectAudio(language: string): void;
  /** Show subtitles in this language; null = off. */
  selectSubtitles(language: string | null): void;
  /** Playback speed (snapped to the offered speeds, 0.5–2). */
  setRate(rate: number): void;
  /** The audio, subtitles and speed playing now. */
  trackChoice(): TrackChoice;
  /** The seek-preview tile at `t` seconds, `width` px wide; null when there are no thumbnails. */
  thumbnailAt(t: number, width: number): Promise<PreviewTile | null>;
  /** Try again after an error (or reload where it was). */
  retry(): Promise<void>;
  /** End the viewing: report the stop (position read first), then unload. */
  close(): Promise<StopOutcome>;
  /** The page is going away (`pagehide`): stop synchronously. */
  closeOnUnload(): void;
  /** The page is hidden (may be frozen or killed): report now. */
  suspend(): void;
  destroy(): void;
}

/** Retry policy of manifest and segment requests (short outages pass unnoticed). */
const RETRY = { maxAttempts: 4, baseDelay: 500, backoffFactor: 2, fuzzFactor: 0.5, timeout: 20_000, stallTimeout: 10_000, connectionTimeout: 10_000 };

/** Create a controller for `video`. */
export function createPlayerController(video: HTMLVideoElement, deps: ControllerDeps): PlayerController {
  const { store } = deps;
  let player: PlayerEngine | null = null;
  /** The choice to keep applying (initial, then the user's); null = the engine's defaults. */
  let choice: TrackChoice | null = null;
  /** Subtitles are on (the engine has a text track loaded because we asked for one). */
  let subtitlesOn = false;
  const thumbnails = createThumbnails({ engine: () => (closed ? null : player), token: async () => (reporter ? reporter.freshToken() : null), fetch: deps.fetch });
  let reporter: Reporter | null = null;
  let play: PlayResponse | null = null;
  let request: OpenRequest | null = null;
  let hasPlayed = false;
  let closed = false;
  let pendingSeek = false;
  let tokenRecoveries = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  const cleanups: (() => void)[] = [];
  const feed = deps.reportPosition ? createPositionFeed(deps.reportPosition) : null;
  let resumedFrom: Breakpoint | null = null;
  let seekedBack = false;
  const noteSeekBack = () => {
    seekedBack = true;
    reporter?.noteSeekBack();
  };
  /** Tell main where playback is (throttled by the feed; `force` on pause, play and seek). */
  const feedPosition = (force = false) => {
    const at = feed && !closed ? position() : null;
    if (!feed || !at || !play) return;
    feed.update(
      {
        programId: play.program.id,
        breakpoint: at,
        observedAt: Date.now(),
        paused: video.paused || video.readyState < 3,
        ...(resumedFrom && resumedFrom.kind === at.kind ? { resumedFrom } : {}),
        ...(seekedBack ? { seekedBack: true } : {}),
        ...(reporter ? { playToken: reporter.token() } : {}),
      },
      force,
    );
  };

  const on = (target: EventTarget, type: string, fn: (e: Event) => void) => {
    target.addEventListener(type, fn);
    cleanups.push(() => target.removeEventListener(type, fn));
  };

  /** The breakpoint now; null before playback began (nothing to report yet). */
  const position = (): Breakpoint | null =>
    play && hasPlayed ? breakpointAt(play.program.kind, video.currentTime, play.liveEpochMs ?? null, play.program.durationMs) : null;

  const timeline = (): Timeline => {
    const range = player?.seekRange() ?? { start: 0, end: 0 };
    const b = video.buffered;
    let bufferedEnd = 0;
    for (let i = 0; i < b.length; i++) if (b.start(i) <= video.currentTime + 0.5) bufferedEnd = Math.max(bufferedEnd, b.end(i));
    const live = play?.program.kind === 'live';
    const duration = live ? range.end : Number.isFinite(video.duration) ? video.duration : (play?.program.durationMs ?? 0) / 1000;
    return { position: video.currentTime, duration, seekStart: range.start, seekEnd: range.end, bufferedEnd };
  };
  const tick = () => {
    if (play) store.getState().progress(timeline());
    feedPosition();
  };

  const fail = (code: string) => {
    const kind = errorKindOf(code);
    store.getState().fail(kind, code);
    if (kind === 'removed' && request) deps.onProgramGone?.(request.programId);
  };

  /**
   * Retry streaming after a network failure, with backoff, until playback recovers (`playing`
   * clears `reconnecting`; a retry while streaming is fine is a no-op in Shaka); offline, the
   * `online` event retries at once instead.
   */
  const scheduleRetry = (delayMs = 2_000) => {
    store.getState().setReconnecting(true);
    if (retryTimer !== null) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (closed || !player || !store.getState().reconnecting) return;
      if (deps.isOnline()) player.retryStreaming();
      scheduleRetry(Math.min(15_000, delayMs * 2));
    }, delayMs);
  };

  /** Load the manifest again at the current point (after a token refusal or an outage). */
  async function reloadHere(): Promise<void> {
    if (!play || !player || closed) return;
    const at = hasPlayed ? video.currentTime : startTimeOf(play);
    await load(at);
  }

  function onShakaError(err: unknown, duringLoad: boolean): void {
    if (closed) return;
    const meaning = classifyError(err);
    if (meaning.kind === 'not-engine') return fail(codeOf(err));
    if (meaning.kind === 'ignore') return;
    if (meaning.kind === 'network') {
      const status = meaning.status;
      if ((status === 401 || status === 403) && reporter && tokenRecoveries++ < 3) {
        // The media server refused the token (expired while the device slept): renew, reload.
        void reporter.renew().then(reloadHere);
        return;
      }
      if (status === 404) return fail('PROGRAM_NOT_FOUND');
      if (!duringLoad) return scheduleRetry();
      return fail(deps.isOnline() ? 'UPSTREAM_UNAVAILABLE' : 'NETWORK_DOWN');
    }
    if (meaning.kind === 'critical') fail('MEDIA');
  }

  /** Put the tracks on offer and playing into the store. */
  function syncTracks(): void {
    if (!player || closed) return;
    const audio = player.getAudioTracks();
    const text = player.getTextTracks();
    const now = choiceNow(audio, text, subtitlesOn, video.playbackRate);
    store.getState().setTracks({
      audioTracks: audioOptions(audio),
      subtitleTracks: subtitleOptions(text),
      audioLanguage: now.audioLanguage ?? null,
      subtitleLanguage: now.subtitleLanguage ?? null,
      playbackRate: now.playbackRate ?? 1,
      hasThumbnails: player.getImageTracks().length > 0,
    });
  }

  /** Apply the kept choice to what is loaded (after every load: the engine starts afresh). */
  function applyChoice(): void {
    if (!player) return;
    const c = choice;
    if (c?.audioLanguage) {
      const tracks = player.getAudioTracks();
      const want = matchLanguage(tracks, c.audioLanguage);
      if (want && !want.active) player.selectAudioTrack(want);
    }
    const text = c?.subtitleLanguage ? pickSubtitles(player.getTextTracks(), c.subtitleLanguage) : null;
    subtitlesOn = text !== null;
    player.selectTextTrack(text);
    if (c?.playbackRate !== undefined) video.playbackRate = nearestRate(c.playbackRate);
    syncTracks();
  }

  /** The user changed a track: keep it, show it, report it now. */
  function chose(change: TrackChoice): void {
    choice = mergeTracks(choice, change);
    syncTracks();
    void reporter?.tracksChanged();
  }

  async function makePlayer(): Promise<PlayerEngine> {
    const p = deps.engines.create(deps.textContainer ?? null);
    await p.attach(video);
    // Diagnostics: the engine is reachable from its element (as Shaka's own UI does), for
    // support sessions and the e2e suite, which reads Shaka's track state through it.
    Object.defineProperty(video, 'shakaPlayer', { value: p, configurable: true });
    p.configure({
      streaming: {
        bufferingGoal: 40,
        rebufferingGoal: 2,
        bufferBehind: 30,
        retryParameters: RETRY,
        failureCallback: (error: unknown) => onShakaError(error, false),
      },
      manifest: { retryParameters: RETRY },
      // Languages first chosen by the engine itself (applyChoice then makes sure).
      ...(choice?.audioLanguage ? { preferredAudio: [{ language: choice.audioLanguage }] } : {}),
    });
    p.getNetworkingEngine()?.registerRequestFilter(async (_type, req) => {
      if (!reporter) return;
      req.headers['Authorization'] = `Bearer ${await reporter.freshToken()}`;
    });
    p.addEventListener('buffering', (e) => store.getState().setBuffering((e as unknown as { buffering: boolean }).buffering));
    p.addEventListener('error', (e) => onShakaError((e as unknown as { detail: unknown }).detail, false));
    for (const type of ['trackschanged', 'variantchanged', 'textchanged', 'adaptation']) p.addEventListener(type, syncTracks);
    return p;
  }

  async function load(startTime: number | null): Promise<void> {
    if (!play) return;
    try {
      player ??= await makePlayer();
      if (closed) return;
      await player.load(play.manifestUrl, startTime);
    } catch (err) {
      return onShakaError(err, true);
    }
    if (closed) return;
    // A handoff catches up with the time loading took: the other terminal kept playing.
    const handoff = !hasPlayed ? request?.handoff : null;
    if (handoff) await catchUpBeforePlaying(video, handoff.pointAt, play.liveEpochMs ?? null, () => closed);
    if (closed) return;
    tokenRecoveries = 0;
    store.getState().setReconnecting(false);
    store.getState().loaded(play.program, play.liveEpochMs ?? null, timeline());
    applyChoice();
    video.muted = store.getState().muted;
    video.play().catch(() => store.getState().setPaused(true)); // autoplay refused: the big play button shows
  }

  async function open(req: OpenRequest): Promise<void> {
    request = req;
    store.getState().begin(req.programId, req.program, { breakpoint: req.breakpoint, terminalName: req.fromTerminal });
    if (!deps.engines.supported()) return fail('MEDIA');
    let answer: PlayResponse;
    try {
      const h = req.handoff;
      const breakpoint = h ? h.pointAt(Date.now()) : req.breakpoint;
      answer = await deps.api.play({
        programId: req.programId,
        protocol: 'dash',
        ...(breakpoint ? { breakpoint } : {}),
        ...(h ? { playToken: h.playToken, handoff: true } : {}),
      });
    } catch (err) {
      if (!closed) fail(codeOf(err));
      return;
    }
    if (closed) return;
    play = answer;
    // The carried-on choice wins over the server's, field by field.
    choice = mergeTracks(answer.tracks ?? null, req.tracks ?? null);
    resumedFrom = req.breakpoint && answer.program.kind === 'vod' ? answer.start : null;
    reporter?.destroy();
    reporter = createReporter(
      {
        sessionId: answer.sessionId,
        playToken: answer.playToken,
        tokenExpiresAt: answer.tokenExpiresAt,
        heartbeatIntervalMs: answer.heartbeatIntervalMs,
        minSeq: answer.minSeq,
        programId: answer.program.id,
        resumedFrom: req.breakpoint && answer.program.kind === 'vod' ? answer.start : null,
      },
      { api: deps.api, nextSeq: deps.nextSeq, queue: deps.queue, journal: deps.journal, position, isOnline: deps.isOnline, tracks: () => (player ? controller.trackChoice() : null) },
    );
    setMediaSession(answer.program);
    const handoffStart = req.handoff ? mediaTimeOf(req.handoff.pointAt(Date.now()), answer.liveEpochMs ?? null) : null;
    await load(handoffStart ?? startTimeOf(answer));
  }

  function setMediaSession(program: Program): void {
    const ms = typeof navigator !== 'undefined' ? navigator.mediaSession : undefined;
    if (!ms || typeof MediaMetadata === 'undefined') return;
    ms.metadata = new MediaMetadata({ title: program.title, artwork: [{ src: `artwork/${program.artwork}` }] });
    ms.setActionHandler('seekbackward', () => controller.seekBy(-10));
    ms.setActionHandler('seekforward', () => controller.seekBy(10));
  }

  on(video, 'playing', () => {
    if (!hasPlayed) {
      hasPlayed = true;
      reporter?.start({ now: Boolean(request?.handoff) });
    }
    store.getState().playing();
    tick();
    feedPosition(true);
  });
  on(video, 'play', () => store.getState().setPaused(false));
  on(video, 'pause', () => {
    store.getState().setPaused(true);
    if (hasPlayed && !closed && !video.ended) void reporter?.event('pause');
    feedPosition(true);
  });
  on(video, 'seeked', () => {
    tick();
    feedPosition(true);
    if (pendingSeek && hasPlayed && !closed) void reporter?.event('seek');
    pendingSeek = false;
  });
  on(video, 'timeupdate', tick);
  on(video, 'progress', tick);
  on(video, 'durationchange', tick);
  on(video, 'ended', () => {
    store.getState().ended();
    // The end is a point too: reported now, it takes the programme off the row (watched).
    if (hasPlayed && !closed) void reporter?.event('pause');
  });
  on(video, 'volumechange', () => store.getState().setVolume(video.volume, video.muted));
  on(video, 'ratechange', syncTracks);
  if (typeof document !== 'undefined') on(document, 'fullscreenchange', () => store.getState().setFullscreen(document.fullscreenElement !== null));
  cleanups.push(
    deps.onOnline(() => {
      if (closed) return;
      if (store.getState().status === 'error' && store.getState().error === 'offline') void controller.retry();
      else if (store.getState().reconnecting && player) player.retryStreaming();
    }),
  );

  const controller: PlayerController = {
    open,
    togglePlay() {
      if (store.getState().status === 'ended') {
        // Watching again is a deliberate move back: the end point may be replaced.
        noteSeekBack();
        pendingSeek = true;
        video.currentTime = 0;
      }
      // The video's own state, not the store's: between `play()` and its 'play' event the store
      // still says paused (a second OK there used to pause at 0:00 while announcing "Playing").
      if (video.paused) {
        video.play().catch(() => undefined);
        return 'play';
      }
      video.pause();
      return 'pause';
    },
    play() {
      if (store.getState().status === 'ended') controller.togglePlay();
      else if (video.paused) video.play().catch(() => undefined);
    },
    pause() {
      if (!video.paused) video.pause();
    },
    hasPlayed: () => hasPlayed,
    sessionId: () => play?.sessionId ?? null,
    seekTo(t) {
      if (!play || !player) return;
      const range = player.seekRange();
      const to = clampSeek(t, range.start, range.end);
      if (isSeekBack(video.currentTime, to)) noteSeekBack();
      pendingSeek = true;
      video.currentTime = to;
      tick();
    },
    seekBy(dt) {
      controller.seekTo(video.currentTime + dt);
    },
    goLive() {
      if (player && play?.program.kind === 'live') controller.seekTo(player.seekRange().end);
    },
    setVolume(volume) {
      video.volume = Math.min(1, Math.max(0, volume));
      if (video.volume > 0 && video.muted) video.muted = false;
    },
    toggleMute() {
      video.muted = !video.muted;
    },
    selectAudio(language) {
      const want = player ? matchLanguage(player.getAudioTracks(), language) : null;
      if (!player || !want) return;
      player.selectAudioTrack(want);
      player.configure({ preferredAudio: [{ language: want.language }] });
      chose({ audioLanguage: want.language });
    },
    selectSubtitles(language) {
      if (!player) return;
      const text = pickSubtitles(player.getTextTracks(), language);
      if (language !== null && !text) return;
      subtitlesOn = text !== null;
      player.selectTextTrack(text);
      chose({ subtitleLanguage: text ? text.language : null });
    },
    setRate(rate) {
      const r = nearestRate(rate);
      video.playbackRate = r;
      chose({ playbackRate: r });
    },
    trackChoice() {
      if (!player) return choice ?? {};
      return choiceNow(player.getAudioTracks(), player.getTextTracks(), subtitlesOn, video.playbackRate);
    },
    thumbnailAt(t, width) {
      return closed ? Promise.resolve(null) : thumbnails.at(t, width);
    },
    async retry() {
      if (!request || closed) return;
      if (!play) return open(request);
      store.getState().begin(request.programId, play.program, store.getState().start ?? { breakpoint: null, terminalName: null });
      await load(hasPlayed ? video.currentTime : startTimeOf(play));
    },
    close() {
      // Order matters: the reporter reads the position synchronously inside stop(), before
      // Shaka is unloaded below (an unloaded player reports 0 and would erase a good point).
      const outcome = reporter ? reporter.stop() : Promise.resolve<StopOutcome>('skipped');
      closed = true;
      controller.destroy();
      // Main forgets the position once the viewing's own stop is sent or stored.
      return outcome.finally(() => feed?.clear());
    },
    closeOnUnload() {
      reporter?.stopOnUnload();
      closed = true;
      feed?.clear();
    },
    suspend() {
      reporter?.suspend();
    },
    destroy() {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      for (const c of cleanups.splice(0)) c();
      if (reporter && !reporter.closed) reporter.destroy();
      const p = player;
      player = null;
      p?.destroy().catch(() => undefined);
      thumbnails.destroy();
      store.getState().reset();
      const done = deps.onDestroyed;
      deps.onDestroyed = undefined;
      done?.();
    },
  };
  return controller;
}
