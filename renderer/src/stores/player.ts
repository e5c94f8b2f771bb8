/**
 * Player slice: what the player shows. Written only by the player controller (Shaka and
 * <video> events arrive outside React, hence a vanilla store); read by the Player UI.
 * Times are media (presentation) times in seconds; for live, wall clock = liveEpochMs + t·1000.
 */
import { createStore } from 'zustand/vanilla';
import type { Breakpoint, Program } from '../../../common/protocol/model.ts';
import type { TrackOption } from '../player/tracks.ts';
import type { ClientErrorCode } from '../api/http.ts';

/** Where a viewing is. */
export type PlayerStatus = 'idle' | 'starting' | 'ready' | 'ended' | 'error';

/** What went wrong, as the UI explains it. */
export type PlayerErrorKind = 'offline' | 'removed' | 'not-allowed' | 'media' | 'generic';

/** How this viewing started (for the "Resuming at …" notice). */
export interface StartInfo {
  breakpoint: Breakpoint | null;
  /** The terminal the resume point came from, when another. */
  terminalName: string | null;
}

/** Timeline facts from the media element and Shaka. */
export interface Timeline {
  position: number;
  duration: number;
  seekStart: number;
  seekEnd: number;
  bufferedEnd: number;
}

/** The tracks on offer and the ones playing (menus of audio, subtitles and speed). */
export interface TrackState {
  audioTracks: TrackOption[];
  subtitleTracks: TrackOption[];
  /** The audio language playing (null = unknown / one unlabelled track). */
  audioLanguage: string | null;
  /** The subtitle language shown; null = off. */
  subtitleLanguage: string | null;
  playbackRate: number;
  /** The programme has seek-preview thumbnails. */
  hasThumbnails: boolean;
}

/** State and actions of the player slice. */
export interface PlayerState extends Timeline, TrackState {
  status: PlayerStatus;
  programId: string | null;
  program: Program | null;
  paused: boolean;
  buffering: boolean;
  /** The network dropped mid-play; the player is trying again. */
  reconnecting: boolean;
  live: boolean;
  liveEpochMs: number | null;
  muted: boolean;
  volume: number;
  fullscreen: boolean;
  start: StartInfo | null;
  error: PlayerErrorKind | null;
  errorCode: string | null;
  /** A new viewing is being opened. */
  begin(programId: string, program: Program | null, start: StartInfo): void;
  /** The manifest is loaded. */
  loaded(program: Program, liveEpochMs: number | null, timeline: Timeline): void;
  /** Position, buffer and seek range moved. */
  progress(timeline: Partial<Timeline>): void;
  setPaused(paused: boolean): void;
  /** Playback (re)started: leaves the ended state after a replay. */
  playing(): void;
  setBuffering(buffering: boolean): void;
  setReconnecting(reconnecting: boolean): void;
  setVolume(volume: number, muted: boolean): void;
  setFullscreen(fullscreen: boolean): void;
  /** Tracks on offer or playing changed. */
  setTracks(tracks: Partial<TrackState>): void;
  ended(): void;
  fail(kind: PlayerErrorKind, code: string): void;
  reset(): void;
}

/** The UI's explanation for an error code. */
export function errorKindOf(code: ClientErrorCode | string): PlayerErrorKind {
  switch (code) {
    case 'NETWORK_DOWN':
    case 'TIMEOUT':
    case 'UPSTREAM_UNAVAILABLE':
      return 'offline';
    case 'PROGRAM_NOT_FOUND':
    case 'PROGRAM_WITHDRAWN':
    case 'NOT_FOUND':
      return 'removed';
    case 'PROGRAM_NOT_ALLOWED':
      return 'not-allowed';
    case 'MEDIA':
      return 'media';
    default:
      return 'generic';
  }
}

const IDLE = {
  status: 'idle' as PlayerStatus,
  programId: null,
  program: null,
  position: 0,
  duration: 0,
  seekStart: 0,
  seekEnd: 0,
  bufferedEnd: 0,
  paused: true,
  buffering: false,
  reconnecting: false,
  live: false,
  liveEpochMs: null,
  fullscreen: false,
  start: null,
  error: null,
  errorCode: null,
  audioTracks: [] as TrackOption[],
  subtitleTracks: [] as TrackOption[],
  audioLanguage: null,
  subtitleLanguage: null,
  playbackRate: 1,
  hasThumbnails: false,
};

/** Create the player slice. */
export function createPlayerStore(initial: { muted: boolean; volume?: number } = { muted: false }) {
  return createStore<PlayerState>()((set, get) => ({
    ...IDLE,
    muted: initial.muted,
    volume: initial.volume ?? 1,
    begin(programId, program, start) {
      set({ ...IDLE, status: 'starting', programId, program, start, muted: get().muted, volume: get().volume });
    },
    loaded(program, liveEpochMs, timeline) {
      set({ status: 'ready', program, live: program.kind === 'live', liveEpochMs, error: null, errorCode: null, ...timeline });
    },
    progress(timeline) {
      const s = get();
      const changed = (Object.keys(timeline) as (keyof Timeline)[]).some((k) => timeline[k] !== s[k]);
      if (changed) set(timeline);
    },
    setPaused(paused) {
      if (paused !== get().paused) set({ paused });
    },
    playing() {
      const s = get();
      if (s.paused || s.status === 'ended' || s.reconnecting) set({ paused: false, reconnecting: false, status: s.status === 'ended' ? 'ready' : s.status });
    },
    setBuffering(buffering) {
      if (buffering !== get().buffering) set({ buffering });
    },
    setReconnecting(reconnecting) {
      if (reconnecting !== get().reconnecting) set({ reconnecting });
    },
    setVolume(volume, muted) {
      set({ volume, muted });
    },
    setFullscreen(fullscreen) {
      set({ fullscreen });
    },
    setTracks(tracks) {
      const s = get();
      const same = (Object.keys(tracks) as (keyof TrackState)[]).every((k) => JSON.stringify(tracks[k]) === JSON.stringify(s[k]));
      if (!same) set(tracks);
    },
    ended() {
      set({ status: 'ended', paused: true, buffering: false });
    },
    fail(kind, code) {
      set({ status: 'error', error: kind, errorCode: code, buffering: false, reconnecting: false });
    },
    reset() {
      set({ ...IDLE, muted: get().muted, volume: get().volume });
    },
  }));
}

/** The player store. */
export type PlayerStore = ReturnType<typeof createPlayerStore>;

/**
 * Once a viewing of `programId` begins (the UI opens it after a card's "Play on ▸", stores/remote.ts):
 * `ready` when it plays, `failed` / `not-allowed` when it failed, `starting` when it is still
 * starting after `withinMs` (or never began: the UI did not open it). A state left over from a
 * previous viewing does not count: only what follows this viewing's own `begin`.
 */
export function playerStarted(player: PlayerStore, programId: string, withinMs: number): Promise<'ready' | 'starting' | 'failed' | 'not-allowed'> {
  return new Promise((resolve) => {
    let begun = false;
    const finish = (outcome: 'ready' | 'starting' | 'failed' | 'not-allowed') => {
      clearTimeout(timer);
      unsubscribe();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish('starting'), withinMs);
    const unsubscribe = player.subscribe((s) => {
      if (s.programId !== programId) return;
      if (s.status === 'starting') begun = true;
      else if (!begun) return;
      else if (s.status === 'ready') finish('ready');
      else if (s.status === 'error') finish(s.error === 'not-allowed' ? 'not-allowed' : 'failed');
    });
  });
}
