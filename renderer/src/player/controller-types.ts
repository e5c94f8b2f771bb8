/**
 * The player controller's contract (controller.ts implements it): what to open, what the
 * controller needs from the app, and the commands the views and the remote use.
 */
import type { PlaybackPosition } from '../../../common/ipc.ts';
import type { Breakpoint, Program, TrackChoice } from '../../../common/protocol/model.ts';
import type { Api } from '../api/http.ts';
import type { ReportQueue } from '../outbox.ts';
import type { PlayerStore } from '../stores/player.ts';
import type { EngineFactory } from './engine.ts';
import type { Journal } from './journal.ts';
import type { ReporterDeps, StopOutcome } from './reporter.ts';
import type { PreviewTile } from './tracks.ts';

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
  /** A viewing ends at this point (the reporter's `onStopPoint`): the home page shows it at once. */
  onStopPoint?: ReporterDeps['onStopPoint'];
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
