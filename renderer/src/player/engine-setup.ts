/**
 * Making the controller's engine for its <video>: attached, configured (buffer goals, retry
 * policy, preferred audio), every media request carrying the current play token, and its
 * events wired to the controller.
 */
import type { EngineFactory, PlayerEngine } from './engine.ts';

/** Retry policy of manifest and segment requests (short outages pass unnoticed). */
const RETRY = { maxAttempts: 4, baseDelay: 500, backoffFactor: 2, fuzzFactor: 0.5, timeout: 20_000, stallTimeout: 10_000, connectionTimeout: 10_000 };

/** What the engine is made with. */
export interface EngineSetup {
  engines: EngineFactory;
  /** Where subtitles are drawn; null = the engine's native text tracks. */
  textContainer: HTMLElement | null;
  /** The audio language to prefer from the start, if any. */
  preferredAudio: string | null;
  /** A valid play token for a media request; null = send none (no viewing open). */
  token: () => Promise<string | null>;
  /** An engine error (mid-play: streaming failures and error events). */
  onError: (err: unknown) => void;
  onBuffering: (buffering: boolean) => void;
  /** The tracks on offer or playing changed. */
  onTracks: () => void;
}

/** Make, attach and configure the engine for `video`. */
export async function setUpEngine(video: HTMLVideoElement, o: EngineSetup): Promise<PlayerEngine> {
  const p = o.engines.create(o.textContainer);
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
      failureCallback: (error: unknown) => o.onError(error),
    },
    manifest: { retryParameters: RETRY },
    // Languages first chosen by the engine itself (the track control then makes sure).
    ...(o.preferredAudio ? { preferredAudio: [{ language: o.preferredAudio }] } : {}),
  });
  p.getNetworkingEngine()?.registerRequestFilter(async (_type, req) => {
    const token = await o.token();
    if (token) req.headers['Authorization'] = `Bearer ${token}`;
  });
  p.addEventListener('buffering', (e) => o.onBuffering((e as unknown as { buffering: boolean }).buffering));
  p.addEventListener('error', (e) => o.onError((e as unknown as { detail: unknown }).detail));
  for (const type of ['trackschanged', 'variantchanged', 'textchanged', 'adaptation']) p.addEventListener(type, o.onTracks);
  return p;
}
