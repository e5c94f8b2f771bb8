/**
 * The controller's seam to the playback engine (Shaka Player): the few methods it uses, a
 * factory that makes one, and the reading of Shaka's errors. The app hands in the real factory
 * (shaka.ts `shakaEngines`); unit tests hand in a fake (testing/fake-player.ts), as Shaka's own
 * tests inject fakes through its `dependencyInjector` — Shaka needs a browser with MSE, and
 * the real path is covered in Chromium by e2e/web.
 *
 * Error codes are Shaka's stable public numbers (lib/util/error.js); they are numbers here so
 * this module loads without the library (engine.test.ts checks them against Shaka's source).
 */
import type { ShakaAudioTrack, ShakaImageTrack, ShakaTextTrack, ShakaThumbnail } from './shaka-types.ts';

/** A media request as the request filter sees it. */
export interface EngineRequest {
  headers: Record<string, string>;
}

/** The part of `shaka.Player` the controller uses. */
export interface PlayerEngine {
  attach(video: HTMLMediaElement): Promise<void>;
  configure(config: object): boolean;
  load(uri: string, startTime?: number | null): Promise<unknown>;
  destroy(): Promise<unknown>;
  seekRange(): { start: number; end: number };
  retryStreaming(): boolean;
  getNetworkingEngine(): { registerRequestFilter(filter: (type: unknown, request: EngineRequest) => Promise<void> | void): void } | null;
  addEventListener(type: string, listener: (event: Event) => void): void;
  getAudioTracks(): ShakaAudioTrack[];
  selectAudioTrack(track: ShakaAudioTrack): void;
  getTextTracks(): ShakaTextTrack[];
  /** `null` unloads the text track (subtitles off). */
  selectTextTrack(track: ShakaTextTrack | null): void;
  getImageTracks(): ShakaImageTrack[];
  /**
   * The speed playback runs at when it runs. Shaka holds the video's `playbackRate` at 0 while
   * it buffers (its PlayRateController), and a 0 read there is no viewer's choice.
   */
  getPlaybackRate(): number;
  getThumbnails(trackId: number | null, time: number): Promise<ShakaThumbnail | null>;
}

/** Makes engines. */
export interface EngineFactory {
  /** Fetch the engine's code when it is loaded on demand (shaka.ts); before `supported`/`create`. */
  load?(): Promise<void>;
  /** Whether this browser can play at all (installs polyfills once). */
  supported(): boolean;
  /** A new engine; subtitles are drawn in `textContainer` (styled by the app) when given. */
  create(textContainer: HTMLElement | null): PlayerEngine;
}

/** Shaka's error fields the controller reads. */
export interface EngineError {
  code?: number;
  category?: number;
  severity?: number;
  data?: unknown[];
}

/** Shaka's stable numbers (shaka.util.Error). */
export const SHAKA_ERROR = {
  /** Category.NETWORK */
  CATEGORY_NETWORK: 1,
  /** Severity.CRITICAL */
  SEVERITY_CRITICAL: 2,
  /** Code.BAD_HTTP_STATUS (data[1] is the status) */
  BAD_HTTP_STATUS: 1001,
  /** Code.LOAD_INTERRUPTED */
  LOAD_INTERRUPTED: 7000,
  /** Code.OPERATION_ABORTED */
  OPERATION_ABORTED: 7001,
} as const;

/** What an engine error means to the controller. */
export type ErrorMeaning =
  | { kind: 'not-engine' }
  | { kind: 'ignore' }
  | { kind: 'network'; status: number }
  | { kind: 'critical' }
  | { kind: 'recoverable' };

/** Read an error thrown or reported by the engine. */
export function classifyError(err: unknown): ErrorMeaning {
  const e = (err ?? {}) as EngineError;
  if (typeof e.code !== 'number') return { kind: 'not-engine' };
  if (e.code === SHAKA_ERROR.LOAD_INTERRUPTED || e.code === SHAKA_ERROR.OPERATION_ABORTED) return { kind: 'ignore' };
  if (e.category === SHAKA_ERROR.CATEGORY_NETWORK) {
    return { kind: 'network', status: e.code === SHAKA_ERROR.BAD_HTTP_STATUS ? Number(e.data?.[1]) || 0 : 0 };
  }
  return e.severity === SHAKA_ERROR.SEVERITY_CRITICAL ? { kind: 'critical' } : { kind: 'recoverable' };
}
