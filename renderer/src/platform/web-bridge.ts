/**
 * The web implementation of the PlatformBridge (common/platform.ts), over localStorage.
 *
 * Why localStorage rather than IndexedDB: every write is synchronous, so it is durable (as far
 * as the browser guarantees anything) before the returned promise resolves — and, crucially,
 * a write started inside a `pagehide` handler completes before the page is torn down, which
 * an IndexedDB transaction does not promise. The data is small (an identity, settings, a few
 * queued reports, one cached home page).
 *
 * Layout: one key per value, `ra.` prefixed; outbox entries one key each
 * (`ra.outbox.<name>.<seq>`), so appending never rewrites the queue.
 * Ownership: one bridge per page. Two tabs of one browser profile are one terminal and share
 * the storage; the sequence counter is taken under a Web Lock where the browser has them.
 */
import { Check } from 'typebox/value';
import type { OutboxEntry } from '../../../common/outbox.ts';
import {
  DEFAULT_SETTINGS,
  Settings,
  TerminalIdentityRecord,
  type OutboxName,
  type PlatformBridge,
  type PlatformInfo,
  type UiMode,
} from '../../../common/platform.ts';

/** The app version shown in Settings: package.json's, injected at build time. */
export const APP_VERSION = __APP_VERSION__;

/** What the bridge needs from the page (injected by tests). */
export interface WebBridgeEnv {
  storage: Storage;
  /** Where lifecycle events are listened for (window). */
  events: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /** Where `visibilitychange`/`freeze`/`resume` are listened for (document). */
  doc: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & { visibilityState: string };
  languages: readonly string[];
  /** The page's URL (origin → default server; `?mode=tv` → launch mode). */
  href: string;
  /** Runs `fn` exclusively across tabs (Web Locks); default: just runs it. */
  exclusive?: <T>(name: string, fn: () => T) => Promise<T>;
}

const K = {
  identity: 'ra.identity',
  settings: 'ra.settings',
  seq: 'ra.seq',
  outbox: (name: OutboxName) => `ra.outbox.${name}.`,
  cache: (key: string) => `ra.cache.${key}`,
};

function readJson(storage: Storage, key: string): unknown {
  const raw = storage.getItem(key);
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

/** The launch mode a URL asks for (`?mode=tv`), else desktop. */
export function launchModeOf(href: string): UiMode {
  return new URL(href).searchParams.get('mode') === 'tv' ? 'tv' : 'desktop';
}

/** Create the web bridge over `env` (defaults: the page's window, document, localStorage). */
export function createWebBridge(env: WebBridgeEnv = pageEnv()): PlatformBridge {
  const { storage } = env;
  const exclusive = env.exclusive ?? (async <T>(_name: string, fn: () => T) => fn());

  const keysWith = (prefix: string): string[] => {
    const out: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const k = storage.key(i);
      if (k !== null && k.startsWith(prefix)) out.push(k);
    }
    return out;
  };

  const loadSettings = async (): Promise<Settings> => {
    const v = readJson(storage, K.settings);
    const merged = { ...DEFAULT_SETTINGS, ...(v && typeof v === 'object' ? v : {}) };
    return Check(Settings, merged) ? merged : { ...DEFAULT_SETTINGS };
  };

  return {
    async info(): Promise<PlatformInfo> {
      const url = new URL(env.href);
      return {
        kind: 'web',
        launchMode: launchModeOf(env.href),
        languages: [...env.languages],
        appVersion: APP_VERSION,
        defaultServerUrl: url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null,
      };
    },

    async loadIdentity() {
      const v = readJson(storage, K.identity);
      // A corrupt or outdated identity is treated as none: the user signs in again.
      return Check(TerminalIdentityRecord, v) ? v : null;
    },

    async saveIdentity(identity) {
      if (identity === null) storage.removeItem(K.identity);
      else storage.setItem(K.identity, JSON.stringify(identity));
    },

    loadSettings,

    async saveSettings(patch) {
      const current = await loadSettings();
      const next = { ...current, ...patch };
      if (!Check(Settings, next)) throw new Error('invalid settings');
      storage.setItem(K.settings, JSON.stringify(next));
      return next;
    },

    async outboxLoad(name) {
      const out: OutboxEntry<unknown>[] = [];
      for (const key of keysWith(K.outbox(name))) {
        const v = readJson(storage, key) as { seq?: unknown; item?: unknown } | null;
        if (v && typeof v.seq === 'number' && Number.isInteger(v.seq) && 'item' in v) out.push({ seq: v.seq, item: v.item });
      }
      return out.sort((a, b) => a.seq - b.seq);
    },

    async outboxAppend(name, entry) {
      storage.setItem(`${K.outbox(name)}${entry.seq}`, JSON.stringify(entry));
    },

    async outboxRemove(name, seqs) {
      for (const s of seqs) storage.removeItem(`${K.outbox(name)}${s}`);
    },

    async cacheGet(key) {
      return readJson(storage, K.cache(key));
    },

    async cacheSet(key, value) {
      if (value === null || value === undefined) storage.removeItem(K.cache(key));
      else storage.setItem(K.cache(key), JSON.stringify(value));
    },

    nextSeq(atLeast = 0) {
      return exclusive('ra-seq', () => {
        const stored = Number(storage.getItem(K.seq) ?? '0');
        const last = Number.isSafeInteger(stored) && stored > 0 ? stored : 0;
        const next = Math.max(last, Math.floor(atLeast)) + 1;
        storage.setItem(K.seq, String(next));
        return next;
      });
    },

    onLifecycle(listener) {
      const onPageHide = (e: Event) => listener((e as PageTransitionEvent).persisted ? 'suspend' : 'quit');
      const onPageShow = (e: Event) => {
        if ((e as PageTransitionEvent).persisted) listener('resume');
      };
      const onVisibility = () => listener(env.doc.visibilityState === 'hidden' ? 'suspend' : 'resume');
      const onFreeze = () => listener('suspend');
      const onResume = () => listener('resume');
      const pairs: [Pick<EventTarget, 'addEventListener' | 'removeEventListener'>, string, (e: Event) => void][] = [
        [env.events, 'pagehide', onPageHide],
        [env.events, 'pageshow', onPageShow],
        [env.doc, 'visibilitychange', onVisibility],
        [env.doc, 'freeze', onFreeze],
        [env.doc, 'resume', onResume],
      ];
      for (const [target, type, fn] of pairs) target.addEventListener(type, fn);
      return () => {
        for (const [target, type, fn] of pairs) target.removeEventListener(type, fn);
      };
    },
  };
}

/** The real page environment. */
function pageEnv(): WebBridgeEnv {
  const locks = (navigator as Navigator & { locks?: { request<T>(name: string, fn: () => T): Promise<T> } }).locks;
  return {
    storage: window.localStorage,
    events: window,
    doc: document,
    languages: navigator.languages?.length ? navigator.languages : [navigator.language],
    href: window.location.href,
    ...(locks ? { exclusive: <T>(name: string, fn: () => T) => locks.request(name, fn) } : {}),
  };
}
