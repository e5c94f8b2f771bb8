/**
 * The real engine factory, Shaka loaded on demand: Shaka is ~600 kB of the renderer's script,
 * and a set-top box parses every byte before home is interactive, so the library
 * (shaka-lib.ts) is a chunk of its own that `load()` fetches — when a player opens, or earlier
 * when `prefetchShaka` runs at an idle moment after home is up (so a resume press rarely waits).
 */
import type { EngineFactory } from './engine.ts';
// Type-only (erased): the library itself is only ever the dynamic import() below.
import type * as ShakaLibModule from './shaka-lib.ts';

type ShakaLib = typeof ShakaLibModule;

let lib: ShakaLib | null = null;
let loading: Promise<ShakaLib> | null = null;

/** Fetch (once) and evaluate the Shaka chunk. A failed fetch may be tried again. */
export function loadShaka(): Promise<ShakaLib> {
  loading ??= import('./shaka-lib.ts').then(
    (m) => (lib = m),
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}

/** How long after home is up the prefetch waits (so it never competes with the start itself). */
const PREFETCH_DELAY_MS = 1_500;
let prefetching = false;

/**
 * Warm Shaka once home is up: after a pause, at an idle moment. No effect once started; errors
 * are left for `load()` (which tries again).
 */
export function prefetchShaka(): void {
  if (prefetching || lib) return;
  prefetching = true;
  const run = () => void loadShaka().catch(() => undefined);
  setTimeout(() => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 5_000 });
    else run();
  }, PREFETCH_DELAY_MS);
}

/**
 * `shaka.Player`s whose subtitles Shaka's UITextDisplayer draws as DOM in the container
 * (shaka-lib.ts). `load()` must have resolved before `supported()` or `create()`.
 */
export const shakaEngines: EngineFactory = {
  async load() {
    await loadShaka();
  },
  supported: () => (lib ? lib.prepareShaka() : false),
  create(textContainer) {
    if (!lib) throw new Error('Shaka is not loaded yet (EngineFactory.load)');
    return lib.shakaEngines.create(textContainer);
  },
};
