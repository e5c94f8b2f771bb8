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

/** Warm the Shaka chunk when the browser is idle (no effect once loaded); errors are left for `load()`. */
export function prefetchShaka(): void {
  if (lib || loading) return;
  const run = () => void loadShaka().catch(() => undefined);
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 5_000 });
  else setTimeout(run, 1_000);
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
