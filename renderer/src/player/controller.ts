/**
 * The player controller: owns the `shaka.Player` of one <video> element and one viewing at a
 * time. It opens a play session at the access server, loads the manifest at the resume point
 * (VOD offset, or the live wall-clock moment as presentation time), adds the current play
 * token to every media request (request filter; renewed before it expires), feeds Shaka and
 * media-element events into the player store, and drives the reporter (reporter.ts).
 *
 * Its parts, each a small module with a factory: the contract (controller-types.ts), the engine
 * set-up (engine-setup.ts; the engine itself is made by `deps.engines`, engine.ts: Shaka in the
 * app, a fake in unit tests), error recovery (recovery.ts: a refused token is renewed and the
 * stream reloaded; network trouble mid-play shows "reconnecting" and retries; a programme that
 * is gone, or media this browser cannot play, ends in an error state), the tracks
 * (track-control.ts: the viewing starts with the choice it is handed — the previous episode's,
 * carried on — or the access server's; the user's audio, subtitle and speed changes are
 * applied, kept across reloads, and reported at once), seek-preview tiles (thumbnails.ts) and
 * the PC app's position feed (position-feed.ts).
 *
 * Ownership: created by the Player view for its <video>; `close()` ends the viewing (position
 * captured before anything is unloaded); `destroy()` releases the engine and every listener.
 */
import type { Breakpoint, Program } from '../../../common/protocol/model.ts';
import { mergeTracks } from '../../../common/tracks.ts';
import type { PlayResponse } from '../../../common/protocol/stream.ts';
import { codeOf } from '../api/http.ts';
import type { Timeline } from '../stores/player.ts';
import type { ControllerDeps, OpenRequest, PlayerController } from './controller-types.ts';
import type { PlayerEngine } from './engine.ts';
import { setUpEngine } from './engine-setup.ts';
import { breakpointAt, clampSeek, isSeekBack, mediaTimeOf, startTimeOf } from './position.ts';
import { createPositionFeed } from './position-feed.ts';
import { createRecovery } from './recovery.ts';
import { createReporter, type Reporter, type StopOutcome } from './reporter.ts';
import { createThumbnails } from './thumbnails.ts';
import { catchUpBeforePlaying } from './catch-up.ts';
import { createTrackControl } from './track-control.ts';

export type { ControllerDeps, OpenRequest, PlayerController } from './controller-types.ts';

/** Create a controller for `video`. */
export function createPlayerController(video: HTMLVideoElement, deps: ControllerDeps): PlayerController {
  const { store } = deps;
  let player: PlayerEngine | null = null;
  let reporter: Reporter | null = null;
  let play: PlayResponse | null = null;
  let request: OpenRequest | null = null;
  let hasPlayed = false;
  /** A pause ended (the `play` event); the next `playing` reports the resume. */
  let resuming = false;
  let closed = false;
  let pendingSeek = false;
  const cleanups: (() => void)[] = [];
  const tracks = createTrackControl({ video, store, engine: () => player, closed: () => closed, onUserChange: () => void reporter?.tracksChanged() });
  /** A valid play token for media requests (renewed before it expires); null = no viewing open. */
  const freshToken = async () => (reporter ? reporter.freshToken() : null);
  const thumbnails = createThumbnails({ engine: () => (closed ? null : player), token: freshToken, fetch: deps.fetch });
  const recovery = createRecovery({
    store,
    isOnline: deps.isOnline,
    engine: () => player,
    closed: () => closed,
    renewToken: () => reporter?.renew() ?? null,
    reload: () => reloadHere(),
    onGone: () => request && deps.onProgramGone?.(request.programId),
  });
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

  /** Load the manifest again at the current point (after a token refusal or an outage). */
  async function reloadHere(): Promise<void> {
    if (!play || !player || closed) return;
    const at = hasPlayed ? video.currentTime : startTimeOf(play);
    await load(at);
  }

  async function load(startTime: number | null): Promise<void> {
    if (!play) return;
    try {
      player ??= await setUpEngine(video, {
        engines: deps.engines,
        textContainer: deps.textContainer ?? null,
        preferredAudio: tracks.preferredAudio(),
        token: freshToken,
        onError: (err) => recovery.onError(err, false),
        onBuffering: (buffering) => store.getState().setBuffering(buffering),
        onTracks: tracks.sync,
      });
      if (closed) return;
      await player.load(play.manifestUrl, startTime);
    } catch (err) {
      return recovery.onError(err, true);
    }
    if (closed) return;
    // A handoff catches up with the time loading took: the other terminal kept playing.
    const handoff = !hasPlayed ? request?.handoff : null;
    if (handoff) await catchUpBeforePlaying(video, handoff.pointAt, play.liveEpochMs ?? null, () => closed);
    if (closed) return;
    recovery.loaded();
    store.getState().loaded(play.program, play.liveEpochMs ?? null, timeline());
    tracks.apply();
    video.muted = store.getState().muted;
    video.play().catch(() => store.getState().setPaused(true)); // autoplay refused: the big play button shows
  }

  async function open(req: OpenRequest): Promise<void> {
    request = req;
    store.getState().begin(req.programId, req.program, { breakpoint: req.breakpoint, terminalName: req.fromTerminal });
    try {
      await deps.engines.load?.();
    } catch {
      // The engine's chunk did not arrive (offline, or a deploy replaced it): a network problem.
      if (!closed) recovery.fail(deps.isOnline() ? 'UPSTREAM_UNAVAILABLE' : 'NETWORK_DOWN');
      return;
    }
    if (closed) return;
    if (!deps.engines.supported()) return recovery.fail('MEDIA');
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
      if (!closed) recovery.fail(codeOf(err));
      return;
    }
    if (closed) return;
    play = answer;
    // The carried-on choice wins over the server's, field by field.
    tracks.reset(mergeTracks(answer.tracks ?? null, req.tracks ?? null));
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
        profileId: answer.profileId,
      },
      {
        api: deps.api,
        nextSeq: deps.nextSeq,
        queue: deps.queue,
        journal: deps.journal,
        position,
        isOnline: deps.isOnline,
        tracks: () => (player ? tracks.now() : null),
        paused: () => video.paused,
        onStopPoint: deps.onStopPoint,
      },
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
    } else if (resuming && !closed) {
      // Playing again after a pause: global hears at once (a handoff's point advances from here).
      void reporter?.resumed();
    }
    resuming = false;
    store.getState().playing();
    tick();
    feedPosition(true);
  });
  on(video, 'play', () => {
    resuming = hasPlayed;
    store.getState().setPaused(false);
  });
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
  on(video, 'ratechange', tracks.sync);
  if (typeof document !== 'undefined') on(document, 'fullscreenchange', () => store.getState().setFullscreen(document.fullscreenElement !== null));
  cleanups.push(
    deps.onOnline(() => {
      if (closed) return;
      if (store.getState().status === 'error' && store.getState().error === 'offline') void controller.retry();
      else recovery.online();
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
    selectAudio: tracks.selectAudio,
    selectSubtitles: tracks.selectSubtitles,
    setRate: tracks.setRate,
    trackChoice: tracks.now,
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
      recovery.destroy();
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
