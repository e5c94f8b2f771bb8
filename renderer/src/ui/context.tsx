/**
 * React's window onto the runtime: a context holding it and thin hooks over its stores.
 * Components select primitives (or use `useShallow`) so a store change re-renders only
 * the components whose selection changed.
 */
import { createContext, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { Language } from '../../../common/platform.ts';
import { hasCatalogue, loadLanguage, subscribeCatalogues, translator, type Translate } from '../../../common/i18n/index.ts';
import type { Runtime } from '../runtime.ts';

/** The runtime, provided once by main.tsx. */
export const RuntimeContext = createContext<Runtime | null>(null);

/** The runtime (throws outside the provider: a programming error). */
export function useRuntime(): Runtime {
  const rt = useContext(RuntimeContext);
  if (!rt) throw new Error('RuntimeContext missing');
  return rt;
}

/** The language in use. */
export function useLanguage(): Language {
  return useStore(useRuntime().settings, (s) => s.language);
}

/**
 * The translate function of the language in use. Catalogues load one language at a time
 * (common/i18n): main.tsx loads the first before rendering; after a switch, the screen keeps the
 * language it had until the new one's catalogue arrives, then re-renders in it (no reload).
 */
export function useT(): Translate {
  const language = useLanguage();
  const ready = useSyncExternalStore(subscribeCatalogues, () => hasCatalogue(language));
  const shown = useRef(language);
  if (ready) shown.current = language;
  useEffect(() => {
    if (!ready) loadLanguage(language).catch((err: unknown) => console.warn(`language ${language} not loaded`, err));
  }, [language, ready]);
  const lang = ready ? language : shown.current;
  return useMemo(() => translator(lang), [lang]);
}

/** The current time, refreshed every `ms` (relative times such as "5 minutes ago"). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}
