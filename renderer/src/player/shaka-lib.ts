/**
 * Shaka Player (DASH build), imported once — only through shaka.ts's dynamic import(), so it
 * is a chunk of its own, fetched when a player opens (or prefetched once home is idle). Its CommonJS build's typings describe
 * `exports.default`, while bundlers hand an ES import `module.exports` itself: take whichever
 * holds the library, typed as the library.
 */
import shakaModule from 'shaka-player/dist/shaka-player.dash.js';
import type { EngineFactory, PlayerEngine } from './engine.ts';

type Shaka = typeof shakaModule.default;

/** The Shaka library. */
export const shaka: Shaka = ((shakaModule as unknown as { default?: Shaka }).default ?? shakaModule) as Shaka;

/** A Shaka player instance. */
export type ShakaPlayer = InstanceType<Shaka['Player']>;

/** A Shaka error (stable numeric code, category, severity, data). */
export type ShakaError = InstanceType<Shaka['util']['Error']>;

let installed = false;

/** Install Shaka's browser polyfills once; false when this browser cannot play (no MSE). */
export function prepareShaka(): boolean {
  if (!installed) {
    shaka.polyfill.installAll();
    installed = true;
  }
  return shaka.Player.isBrowserSupported();
}

/**
 * The real engine factory: a `shaka.Player` whose subtitles Shaka's UITextDisplayer draws as
 * DOM in `textContainer` (so the app's CSS sizes them for a TV and gives them a background);
 * without a container, Shaka's native text tracks.
 */
export const shakaEngines: EngineFactory = {
  supported: prepareShaka,
  create(textContainer) {
    const engine: PlayerEngine = new shaka.Player(undefined, textContainer ?? undefined);
    return engine;
  },
};
